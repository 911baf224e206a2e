import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { ApiKeyAccessGroupEntity } from '../entities/api-key-access-group.entity';
import { ApiKeyTeamEntity } from '../entities/api-key-team.entity';
import { utcDate } from '../entities/timestamp.transformer';
import { applyKeyset, KeysetPage } from './keyset';
import type { OrganizationScope } from '@app/core';
import { scopeWhere, whereInScope } from './organization-scope';
import { managerOf, Transaction } from '../unit-of-work/transaction';

/** An API key with the access groups and teams granted to it directly. */
export interface ApiKeyWithGrants {
  key: ApiKeyEntity;
  accessGroups: string[];
  teamIds: string[];
}

/** What authentication needs to know about a key, read in one query. */
export interface ApiKeyCredential {
  id: string;
  organizationId: string | null;
  userId: string | null;
  role: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** Own access groups plus those of the key's teams, sorted and unique. */
  accessGroups: string[];
  teamIds: string[];
}

const KEY_COLUMNS = 'k.id, k.organization_id, k.user_id, k.role, k.expires_at, k.revoked_at';
const NO_KEY_COLUMNS =
  'NULL AS id, NULL AS organization_id, NULL AS user_id, NULL AS role, NULL AS expires_at, NULL AS revoked_at';

// One round trip: the key row, its own groups, and its teams with their groups. Each part is an
// indexed lookup by key_hash, and the row count is linear in the grants (no cross product).
const CREDENTIAL_SQL = `
SELECT 'k' AS part, ${KEY_COLUMNS}, NULL AS team_id, NULL AS access_group
  FROM api_keys k WHERE k.key_hash = ?
UNION ALL
SELECT 'g' AS part, ${NO_KEY_COLUMNS}, NULL AS team_id, g.access_group AS access_group
  FROM api_keys k JOIN api_key_access_groups g ON g.key_id = k.id WHERE k.key_hash = ?
UNION ALL
SELECT 't' AS part, ${NO_KEY_COLUMNS}, kt.team_id AS team_id, tg.access_group AS access_group
  FROM api_keys k JOIN api_key_teams kt ON kt.key_id = k.id
  LEFT JOIN team_access_groups tg ON tg.team_id = kt.team_id
  WHERE k.key_hash = ?`;

interface CredentialRow {
  part: 'k' | 'g' | 't';
  id: string | null;
  organization_id: string | null;
  user_id: string | null;
  role: string | null;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  team_id: string | null;
  access_group: string | null;
}

/**
 * API keys. Every read and write of an organization's keys takes its scope first; the lookup by
 * secret hash is the one unscoped read, because the key is what tells the organization.
 */
@Injectable()
export class ApiKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The key whose secret hashes to `keyHash`, with its effective grants; null when unknown. */
  async findCredentialByHash(keyHash: string): Promise<ApiKeyCredential | null> {
    const rows = (await this.dataSource.query(CREDENTIAL_SQL, [
      keyHash,
      keyHash,
      keyHash,
    ])) as CredentialRow[];
    const keyRow = rows.find((row) => row.part === 'k');
    if (!keyRow || !keyRow.id || !keyRow.role) return null;
    const groups = new Set<string>();
    const teams = new Set<string>();
    for (const row of rows) {
      if (row.access_group) groups.add(row.access_group);
      if (row.part === 't' && row.team_id) teams.add(row.team_id);
    }
    return {
      id: keyRow.id,
      organizationId: keyRow.organization_id,
      userId: keyRow.user_id,
      role: keyRow.role,
      expiresAt: utcDate.from(keyRow.expires_at) as Date | null,
      revokedAt: utcDate.from(keyRow.revoked_at) as Date | null,
      accessGroups: [...groups].sort(),
      teamIds: [...teams].sort(),
    };
  }

  /** Bootstrap only: the key row with this hash, whatever its organization. */
  async findByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.dataSource.getRepository(ApiKeyEntity).findOne({ where: { keyHash } });
  }

  /** Bootstrap only: whether any key exists at all. */
  async anyExists(): Promise<boolean> {
    const row = await this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .select('k.id')
      .limit(1)
      .getRawOne();
    return row !== undefined && row !== null;
  }

  /** Bootstrap only: makes a platform admin key usable again (not revoked, not expiring). */
  async restorePlatformKey(id: string, tx: Transaction): Promise<void> {
    const manager = managerOf(tx, this.dataSource);
    await manager
      .getRepository(ApiKeyEntity)
      .update(
        { id },
        { revokedAt: null, expiresAt: null, role: 'platform_admin', organizationId: null },
      );
  }

  async insert(
    key: ApiKeyEntity,
    accessGroups: string[],
    teamIds: string[],
    tx: Transaction,
  ): Promise<void> {
    const manager = managerOf(tx, this.dataSource);
    await manager.getRepository(ApiKeyEntity).insert(key);
    if (accessGroups.length > 0) {
      await manager
        .getRepository(ApiKeyAccessGroupEntity)
        .insert(accessGroups.map((accessGroup) => ({ keyId: key.id, accessGroup })));
    }
    if (teamIds.length > 0) {
      await manager
        .getRepository(ApiKeyTeamEntity)
        .insert(teamIds.map((teamId) => ({ keyId: key.id, teamId })));
    }
  }

  async findById(
    scope: OrganizationScope,
    id: string,
    tx?: Transaction,
  ): Promise<ApiKeyWithGrants | null> {
    const manager = managerOf(tx, this.dataSource);
    const query = manager
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .where('k.id = :id', { id });
    const key = await whereInScope(query, 'k', scope).getOne();
    if (!key) return null;
    const [withGrants] = await this.withGrants([key], manager);
    return withGrants;
  }

  /** Keys of the scope, oldest first, revoked ones included; `limit + 1` rows. */
  async list(scope: OrganizationScope, page: KeysetPage): Promise<ApiKeyWithGrants[]> {
    const query = this.dataSource.getRepository(ApiKeyEntity).createQueryBuilder('k');
    whereInScope(query, 'k', scope);
    const keys = await applyKeyset(query, 'k', page).getMany();
    return this.withGrants(keys, this.dataSource.manager);
  }

  /** Marks the key revoked; returns false when it is not in scope or already revoked. */
  async revoke(scope: OrganizationScope, id: string, at: Date, tx: Transaction): Promise<boolean> {
    const manager = managerOf(tx, this.dataSource);
    const where = { id, ...scopeWhere(scope), revokedAt: IsNull() };
    const result = await manager.getRepository(ApiKeyEntity).update(where, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }

  /** Replaces the key's secret; the old hash stops matching the moment this commits. */
  async replaceSecret(
    scope: OrganizationScope,
    id: string,
    keyHash: string,
    keyPrefix: string,
    tx: Transaction,
  ): Promise<boolean> {
    const manager = managerOf(tx, this.dataSource);
    const where = { id, ...scopeWhere(scope), revokedAt: IsNull() };
    const result = await manager.getRepository(ApiKeyEntity).update(where, { keyHash, keyPrefix });
    return (result.affected ?? 0) > 0;
  }

  private async withGrants(
    keys: ApiKeyEntity[],
    manager: EntityManager,
  ): Promise<ApiKeyWithGrants[]> {
    if (keys.length === 0) return [];
    const ids = keys.map((key) => key.id);
    const groups = await manager
      .getRepository(ApiKeyAccessGroupEntity)
      .find({ where: { keyId: In(ids) } });
    const teams = await manager.getRepository(ApiKeyTeamEntity).find({ where: { keyId: In(ids) } });
    return keys.map((key) => ({
      key,
      accessGroups: groups
        .filter((grant) => grant.keyId === key.id)
        .map((grant) => grant.accessGroup)
        .sort(),
      teamIds: teams
        .filter((membership) => membership.keyId === key.id)
        .map((membership) => membership.teamId)
        .sort(),
    }));
  }
}
