import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  decodeCursor,
  DEFAULT_PAGE_LIMIT,
  newId,
  NotFoundError,
  organizationOfRow,
  Page,
  toPage,
  ValidationError,
} from '@app/core';
import { ApiKeyCache, AuditService, OrganizationScopeResolver, Principal } from '@app/auth';
import {
  isUniqueViolation,
  TeamEntity,
  TeamRepository,
  TeamWithGroups,
  Transaction,
  UnitOfWork,
} from '@app/dal';
import { EventOutbox, OutboxEvent } from '@app/events';
import { normalizeNames } from '../dto/access-group-list.decorator';
import { toTeamResponse } from './team.mapper';
import { OrganizationPageQueryDto } from '../dto/organization-id-query.dto';
import { CreateTeamDto } from './dto/create-team.dto';
import { UpdateTeamDto } from './dto/update-team.dto';

const NAME_TAKEN = 'A team with this name already exists in the organization';

/**
 * Teams group keys of one organization under shared access groups. A change to a team's groups
 * (or its deletion) changes its keys' access, so their cache entries are evicted.
 */
@Injectable()
export class TeamsService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly teams: TeamRepository,
    private readonly scopes: OrganizationScopeResolver,
    private readonly audit: AuditService,
    private readonly keyCache: ApiKeyCache,
    private readonly outbox: EventOutbox,
  ) {}

  async create(principal: Principal, dto: CreateTeamDto): Promise<TeamWithGroups> {
    const scope = await this.scopes.createScope(principal, dto.organization_id, 'teams');
    const { organizationId } = scope;
    const accessGroups = normalizeNames(dto.access_groups);
    const now = new Date();
    const team = Object.assign(new TeamEntity(), {
      id: newId('team'),
      organizationId,
      name: dto.name,
      createdAt: now,
      updatedAt: now,
    });
    await this.writeUniquely(async (tx) => {
      if (await this.teams.nameTaken(scope, team.name, null, tx)) {
        throw new ConflictError(NAME_TAKEN, 'name');
      }
      await this.teams.insert(scope, team, accessGroups, tx);
      await this.audit.record(
        principal,
        {
          action: 'team.create',
          resourceType: 'team',
          resourceId: team.id,
          organizationId,
          changes: { name: team.name, access_groups: accessGroups },
        },
        tx,
      );
      await this.outbox.append(tx, scope, teamEvent('created', { team, accessGroups }));
    });
    return { team, accessGroups };
  }

  async list(principal: Principal, query: OrganizationPageQueryDto): Promise<Page<TeamWithGroups>> {
    const scope = await this.scopes.listScope(principal, query.organization_id);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.teams.list(scope, { limit, after: decodeCursor(query.cursor) });
    return toPage(rows, limit, (row) => row.team);
  }

  async get(principal: Principal, teamId: string): Promise<TeamWithGroups> {
    const team = await this.teams.findById(
      this.scopes.recordScope(principal, undefined, 'Team'),
      teamId,
    );
    if (!team) throw new NotFoundError('Team');
    return team;
  }

  async update(principal: Principal, teamId: string, dto: UpdateTeamDto): Promise<TeamWithGroups> {
    const accessGroups = normalizeNames(dto.access_groups);
    const scope = this.scopes.recordScope(principal, undefined, 'Team');
    const updated = await this.writeUniquely(async (tx) => {
      const existing = await this.teams.findById(scope, teamId, tx);
      if (!existing) throw new NotFoundError('Team');
      const { team } = existing;
      const owner = organizationOfRow(scope, team);
      if (dto.organization_id !== undefined && dto.organization_id !== team.organizationId) {
        throw ValidationError.field(
          'organization_id',
          'a team cannot move to another organization',
        );
      }
      if (await this.teams.nameTaken(owner, dto.name, team.id, tx)) {
        throw new ConflictError(NAME_TAKEN, 'name');
      }
      const updatedAt = new Date();
      await this.teams.update(owner, team.id, { name: dto.name, updatedAt }, accessGroups, tx);
      await this.audit.record(
        principal,
        {
          action: 'team.update',
          resourceType: 'team',
          resourceId: team.id,
          organizationId: team.organizationId,
          changes: {
            name: dto.name,
            access_groups: accessGroups,
            previous_name: team.name,
            previous_access_groups: existing.accessGroups,
          },
        },
        tx,
      );
      const changed = { team: Object.assign(team, { name: dto.name, updatedAt }), accessGroups };
      await this.outbox.append(tx, owner, teamEvent('updated', changed));
      return changed;
    });
    this.keyCache.evictTeam(teamId);
    return updated;
  }

  async delete(principal: Principal, teamId: string): Promise<void> {
    const scope = this.scopes.recordScope(principal, undefined, 'Team');
    await this.unitOfWork.run(async (tx) => {
      const existing = await this.teams.findById(scope, teamId, tx);
      if (!existing) throw new NotFoundError('Team');
      const owner = organizationOfRow(scope, existing.team);
      await this.teams.delete(owner, teamId, tx);
      await this.audit.record(
        principal,
        {
          action: 'team.delete',
          resourceType: 'team',
          resourceId: teamId,
          organizationId: existing.team.organizationId,
          changes: { name: existing.team.name, access_groups: existing.accessGroups },
        },
        tx,
      );
      await this.outbox.append(tx, owner, teamEvent('deleted', existing));
    });
    this.keyCache.evictTeam(teamId);
  }

  /** Runs a write in a transaction; a concurrent duplicate name surfaces as 409, not 500. */
  private async writeUniquely<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    try {
      return await this.unitOfWork.run(work);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(NAME_TAKEN, 'name');
      throw error;
    }
  }
}

/**
 * `team.changed`: the team as the API shows it, plus `change` (created, updated or deleted; a
 * deleted team's data is the team as it was).
 */
function teamEvent(change: 'created' | 'updated' | 'deleted', team: TeamWithGroups): OutboxEvent {
  return {
    type: 'team.changed',
    resourceId: team.team.id,
    data: { ...toTeamResponse(team), change },
  };
}
