import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  decodeCursor,
  DEFAULT_PAGE_LIMIT,
  newId,
  NotFoundError,
  Page,
  PageQueryDto,
  toPage,
} from '@app/core';
import { ApiKeyCache, AuditService, Principal } from '@app/auth';
import {
  isUniqueViolation,
  OrganizationEntity,
  OrganizationRepository,
  UnitOfWork,
} from '@app/dal';
import { CreateOrganizationDto } from './dto/create-organization.dto';

const ORGANIZATION_EXISTS = 'An organization with this organization_id already exists';

/** Organizations (tenants); platform admins only, as the routes declare. */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly organizations: OrganizationRepository,
    private readonly audit: AuditService,
    private readonly keyCache: ApiKeyCache,
  ) {}

  async create(principal: Principal, dto: CreateOrganizationDto): Promise<OrganizationEntity> {
    const organization = Object.assign(new OrganizationEntity(), {
      id: dto.organization_id ?? newId('org'),
      name: dto.name,
      createdAt: new Date(),
      registryNamespace: null,
      publicCatalog: false,
    });
    if (await this.organizations.exists(organization.id)) {
      throw new ConflictError(ORGANIZATION_EXISTS, 'organization_id');
    }
    try {
      await this.unitOfWork.run(async (tx) => {
        await this.organizations.insert(organization, tx);
        await this.audit.record(
          principal,
          {
            action: 'organization.create',
            resourceType: 'organization',
            resourceId: organization.id,
            organizationId: organization.id,
            changes: { name: organization.name },
          },
          tx,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(ORGANIZATION_EXISTS, 'organization_id');
      throw error;
    }
    return organization;
  }

  async list(query: PageQueryDto): Promise<Page<OrganizationEntity>> {
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.organizations.list({ limit, after: decodeCursor(query.cursor) });
    return toPage(rows, limit, (row) => row);
  }

  /** Deletes the organization with its keys, teams and grants; its keys stop working at once. */
  async delete(principal: Principal, organizationId: string): Promise<void> {
    await this.unitOfWork.run(async (tx) => {
      const organization = await this.organizations.findById(organizationId, tx);
      if (!organization) throw new NotFoundError('Organization');
      await this.organizations.delete(organizationId, tx);
      await this.audit.record(
        principal,
        {
          action: 'organization.delete',
          resourceType: 'organization',
          resourceId: organizationId,
          organizationId,
          changes: { name: organization.name },
        },
        tx,
      );
    });
    this.keyCache.evictOrganization(organizationId);
  }
}
