import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { TeamEntity } from '../entities/team.entity';
import { TeamAccessGroupEntity } from '../entities/team-access-group.entity';
import type { OneOrganization, OrganizationScope } from '@app/core';
import { applyKeyset, KeysetPage } from './keyset';
import { whereInScope } from './organization-scope';
import { bumpRegistryRevision } from './registry-revision.repository';
import { managerOf, Transaction } from '../unit-of-work/transaction';

export interface TeamWithGroups {
  team: TeamEntity;
  accessGroups: string[];
}

/** Teams of an organization and the access groups they grant. Always scoped. */
@Injectable()
export class TeamRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the team into the scope's organization (whatever `team.organizationId` says). */
  async insert(
    scope: OneOrganization,
    team: TeamEntity,
    accessGroups: string[],
    tx: Transaction,
  ): Promise<void> {
    const manager = managerOf(tx, this.dataSource);
    await manager
      .getRepository(TeamEntity)
      .insert({ ...team, organizationId: scope.organizationId });
    await this.insertGroups(scope, team.id, accessGroups, manager);
    // Teams show up in registry responses (the teams whose groups reach a server).
    await bumpRegistryRevision(manager, scope);
  }

  async findById(
    scope: OrganizationScope,
    teamId: string,
    tx?: Transaction,
  ): Promise<TeamWithGroups | null> {
    const manager = managerOf(tx, this.dataSource);
    const query = manager
      .getRepository(TeamEntity)
      .createQueryBuilder('t')
      .where('t.id = :teamId', { teamId });
    const team = await whereInScope(query, 't', scope).getOne();
    if (!team) return null;
    const [withGroups] = await this.withGroups([team], manager);
    return withGroups;
  }

  /** Which of `teamIds` are teams of the organization. */
  async existingIds(
    scope: OneOrganization,
    teamIds: string[],
    tx?: Transaction,
  ): Promise<string[]> {
    const manager = managerOf(tx, this.dataSource);
    if (teamIds.length === 0) return [];
    const teams = await manager.getRepository(TeamEntity).find({
      select: { id: true },
      where: { organizationId: scope.organizationId, id: In(teamIds) },
    });
    return teams.map((team) => team.id);
  }

  /** Whether another team of the organization already has this name (case-insensitively). */
  async nameTaken(
    scope: OneOrganization,
    name: string,
    exceptTeamId: string | null,
    tx?: Transaction,
  ): Promise<boolean> {
    const manager = managerOf(tx, this.dataSource);
    const query = manager
      .getRepository(TeamEntity)
      .createQueryBuilder('t')
      .select('t.id')
      .where('t.organization_id = :organizationId', { organizationId: scope.organizationId })
      .andWhere('LOWER(t.name) = LOWER(:name)', { name });
    if (exceptTeamId) query.andWhere('t.id <> :exceptTeamId', { exceptTeamId });
    return (await query.getRawOne()) != null;
  }

  /** Teams of the scope, oldest first; `limit + 1` rows. */
  async list(scope: OrganizationScope, page: KeysetPage): Promise<TeamWithGroups[]> {
    const query = this.dataSource.getRepository(TeamEntity).createQueryBuilder('t');
    whereInScope(query, 't', scope);
    const teams = await applyKeyset(query, 't', page).getMany();
    return this.withGroups(teams, this.dataSource.manager);
  }

  /** Renames the team and replaces its access groups. */
  async update(
    scope: OneOrganization,
    teamId: string,
    changes: { name: string; updatedAt: Date },
    accessGroups: string[],
    tx: Transaction,
  ): Promise<boolean> {
    const manager = managerOf(tx, this.dataSource);
    const { organizationId } = scope;
    const result = await manager
      .getRepository(TeamEntity)
      .update({ id: teamId, organizationId }, changes);
    if ((result.affected ?? 0) === 0) return false;
    await manager.getRepository(TeamAccessGroupEntity).delete({ teamId, organizationId });
    await this.insertGroups(scope, teamId, accessGroups, manager);
    await bumpRegistryRevision(manager, scope);
    return true;
  }

  /** Deletes the team; key memberships and grants go with it (foreign key cascades). */
  async delete(scope: OneOrganization, teamId: string, tx: Transaction): Promise<boolean> {
    const manager = managerOf(tx, this.dataSource);
    const result = await manager
      .getRepository(TeamEntity)
      .delete({ id: teamId, organizationId: scope.organizationId });
    if ((result.affected ?? 0) === 0) return false;
    await bumpRegistryRevision(manager, scope);
    return true;
  }

  private async insertGroups(
    scope: OneOrganization,
    teamId: string,
    accessGroups: string[],
    manager: EntityManager,
  ): Promise<void> {
    if (accessGroups.length === 0) return;
    const { organizationId } = scope;
    await manager
      .getRepository(TeamAccessGroupEntity)
      .insert(accessGroups.map((accessGroup) => ({ teamId, organizationId, accessGroup })));
  }

  private async withGroups(teams: TeamEntity[], manager: EntityManager): Promise<TeamWithGroups[]> {
    if (teams.length === 0) return [];
    const grants = await manager
      .getRepository(TeamAccessGroupEntity)
      .find({ where: { teamId: In(teams.map((team) => team.id)) } });
    return teams.map((team) => ({
      team,
      accessGroups: grants
        .filter((grant) => grant.teamId === team.id)
        .map((grant) => grant.accessGroup)
        .sort(),
    }));
  }
}
