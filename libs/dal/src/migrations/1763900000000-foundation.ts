import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { cascadeTo, columnTypes, dialectOf } from '../dialect';

/** Tenancy and auth: organizations, API keys, teams, access-group grants, audit events. */
export class Foundation1763900000000 implements MigrationInterface {
  name = 'Foundation1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(dialectOf(queryRunner.connection.options.type));

    await queryRunner.createTable(
      new Table({
        name: 'organizations',
        columns: [t.id('id', 64, true), t.varchar('name', 128), t.timestamp('created_at')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          t.id('id', 64, true),
          { ...t.id('organization_id'), isNullable: true },
          { ...t.id('user_id'), isNullable: true },
          t.varchar('name', 128),
          t.varchar('role', 32),
          { ...t.id('key_hash', 64), isUnique: true },
          t.varchar('key_prefix', 16),
          t.timestamp('expires_at', true),
          t.timestamp('revoked_at', true),
          { ...t.id('created_by_key_id'), isNullable: true },
          t.timestamp('created_at'),
        ],
        foreignKeys: [cascadeTo('organization_id', 'organizations')],
        indices: [new TableIndex({ columnNames: ['organization_id', 'created_at', 'id'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'teams',
        columns: [
          t.id('id', 64, true),
          t.id('organization_id'),
          t.varchar('name', 128),
          t.timestamp('created_at'),
          t.timestamp('updated_at'),
        ],
        foreignKeys: [cascadeTo('organization_id', 'organizations')],
        indices: [
          new TableIndex({ columnNames: ['organization_id', 'name'], isUnique: true }),
          new TableIndex({ columnNames: ['organization_id', 'created_at', 'id'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'team_access_groups',
        columns: [
          { ...t.id('team_id'), isPrimary: true },
          t.id('organization_id'),
          { ...t.varchar('access_group', 128), isPrimary: true },
        ],
        foreignKeys: [cascadeTo('team_id', 'teams')],
        indices: [new TableIndex({ columnNames: ['organization_id', 'access_group'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'api_key_access_groups',
        columns: [
          { ...t.id('key_id'), isPrimary: true },
          { ...t.varchar('access_group', 128), isPrimary: true },
        ],
        foreignKeys: [cascadeTo('key_id', 'api_keys')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'api_key_teams',
        columns: [
          { ...t.id('key_id'), isPrimary: true },
          { ...t.id('team_id'), isPrimary: true },
        ],
        foreignKeys: [cascadeTo('key_id', 'api_keys'), cascadeTo('team_id', 'teams')],
        indices: [new TableIndex({ columnNames: ['team_id'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          t.id('id', 64, true),
          { ...t.id('organization_id'), isNullable: true },
          { ...t.id('actor_key_id'), isNullable: true },
          { ...t.id('actor_user_id'), isNullable: true },
          t.varchar('action', 64),
          t.varchar('resource_type', 64),
          t.varchar('resource_id', 128),
          t.varchar('request_id', 64, true),
          t.text('changes'),
          t.timestamp('created_at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['organization_id', 'created_at', 'id'] }),
          new TableIndex({ columnNames: ['resource_type', 'resource_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'audit_events',
      'api_key_teams',
      'api_key_access_groups',
      'team_access_groups',
      'teams',
      'api_keys',
      'organizations',
    ]) {
      await queryRunner.dropTable(table, true);
    }
  }
}
