import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { cascadeTo, columnTypes, dialectOf } from '../dialect';

/**
 * The change feed and webhooks (issue 17): an outbox of events written in the transaction of
 * each change, numbered per organization once committed, under a counter row
 * (`event_sequences`, one per organization, created with it: existing organizations get theirs
 * here); webhook subscriptions with their sealed secret and delivery cursor; the log of
 * delivery attempts.
 */
export class ChangeFeed1764300000000 implements MigrationInterface {
  name = 'ChangeFeed1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.connection.options.type);
    const t = columnTypes(dialect);
    const bigint = (name: string) => ({ name, type: 'bigint', isNullable: false, default: 0 });

    await queryRunner.createTable(
      new Table({
        name: 'event_sequences',
        columns: [t.id('organization_id', 64, true), bigint('last_sequence')],
        foreignKeys: [cascadeTo('organization_id', 'organizations')],
      }),
    );
    await queryRunner.query(
      'INSERT INTO event_sequences (organization_id, last_sequence) SELECT id, 0 FROM organizations',
    );

    await queryRunner.createTable(
      new Table({
        name: 'events',
        columns: [
          // Insertion order (assigned inside the writer's transaction), which the sequencer
          // numbers committed events by; SQLite's AUTOINCREMENT needs the INTEGER type.
          {
            name: 'position',
            type: dialect === 'mysql' ? 'bigint' : 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          t.id('organization_id'),
          { name: 'sequence', type: 'bigint', isNullable: true },
          t.id('id'),
          t.varchar('type', 64),
          t.varchar('resource_id', 128),
          t.timestamp('occurred_at'),
          t.text('data', false),
        ],
        foreignKeys: [cascadeTo('organization_id', 'organizations')],
        indices: [
          new TableIndex({ name: 'uq_events_id', columnNames: ['id'], isUnique: true }),
          new TableIndex({
            name: 'uq_events_org_sequence',
            columnNames: ['organization_id', 'sequence'],
            isUnique: true,
          }),
          new TableIndex({ name: 'ix_events_sequence', columnNames: ['sequence'] }),
          new TableIndex({ name: 'ix_events_occurred', columnNames: ['occurred_at'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'webhooks',
        columns: [
          t.id('id', 64, true),
          t.id('organization_id'),
          t.varchar('url', 2048),
          t.text('types', false),
          {
            ...t.text('secret_sealed', false),
            ...(dialect === 'mysql' ? { charset: 'ascii', collation: 'ascii_bin' } : {}),
          },
          t.bool('active', true),
          t.varchar('created_by', 64),
          t.timestamp('created_at'),
          t.timestamp('updated_at'),
          bigint('delivered_sequence'),
          t.int('attempts', false, 0),
          t.timestamp('next_attempt_at', true),
          t.varchar('claim_owner', 128, true),
          t.timestamp('claim_expires_at', true),
          t.timestamp('disabled_at', true),
          t.varchar('disabled_reason', 512, true),
        ],
        foreignKeys: [cascadeTo('organization_id', 'organizations')],
        indices: [
          new TableIndex({
            name: 'ix_webhooks_org_created',
            columnNames: ['organization_id', 'created_at', 'id'],
          }),
          new TableIndex({
            name: 'ix_webhooks_due',
            columnNames: ['active', 'next_attempt_at'],
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          t.id('id', 64, true),
          t.id('webhook_id'),
          t.id('organization_id'),
          t.id('event_id'),
          { ...bigint('sequence'), default: undefined },
          t.varchar('event_type', 64),
          t.int('attempt'),
          t.varchar('outcome', 16),
          t.int('http_status', true),
          t.varchar('error', 512, true),
          t.int('duration_ms', true),
          t.timestamp('attempted_at'),
          t.timestamp('next_attempt_at', true),
        ],
        foreignKeys: [cascadeTo('webhook_id', 'webhooks')],
        indices: [
          new TableIndex({
            name: 'ix_webhook_deliveries_webhook',
            columnNames: ['webhook_id', 'attempted_at', 'id'],
          }),
          new TableIndex({
            name: 'ix_webhook_deliveries_attempted',
            columnNames: ['attempted_at'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_deliveries');
    await queryRunner.dropTable('webhooks');
    await queryRunner.dropTable('events');
    await queryRunner.dropTable('event_sequences');
  }
}
