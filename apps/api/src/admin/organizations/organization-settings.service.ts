import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  defaultRegistryNamespace,
  isChosenRegistryNamespace,
  NotFoundError,
  OneOrganization,
  REGISTRY_NAMESPACE_RULE,
  registryNamespaceOf,
  ValidationError,
} from '@app/core';
import { AuditService, OrganizationScopeResolver, Principal } from '@app/auth';
import {
  isUniqueViolation,
  McpServerVersionWriteRepository,
  OrganizationEntity,
  OrganizationRepository,
  UnitOfWork,
} from '@app/dal';
import type { UpdateOrganizationDto } from './dto/update-organization.dto';

const NAMESPACE_TAKEN = 'Another organization uses this registry_namespace';

/**
 * An organization read by its own admin, and its settings for the official registry API: the
 * namespace of its server names and whether its public catalog is served without a key. Org
 * admins reach their own organization only (another is a 404), platform admins any.
 */
@Injectable()
export class OrganizationSettingsService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly organizations: OrganizationRepository,
    private readonly versions: McpServerVersionWriteRepository,
    private readonly scopes: OrganizationScopeResolver,
    private readonly audit: AuditService,
  ) {}

  async get(principal: Principal, organizationId: string): Promise<OrganizationEntity> {
    const scope = this.scopeOf(principal, organizationId);
    const organization = await this.organizations.findById(scope.organizationId);
    if (!organization) throw new NotFoundError('Organization');
    return organization;
  }

  async update(
    principal: Principal,
    organizationId: string,
    dto: UpdateOrganizationDto,
  ): Promise<OrganizationEntity> {
    const scope = this.scopeOf(principal, organizationId);
    try {
      return await this.unitOfWork.run(async (tx) => {
        const current = await this.organizations.findById(scope.organizationId, tx);
        if (!current) throw new NotFoundError('Organization');
        const next: OrganizationEntity = {
          ...current,
          registryNamespace:
            dto.registry_namespace === undefined
              ? current.registryNamespace
              : chosenNamespace(current.id, dto.registry_namespace),
          publicCatalog: dto.public_catalog ?? current.publicCatalog,
        };
        const before = registryNamespaceOf(current);
        const after = registryNamespaceOf(next);
        await this.organizations.updateRegistrySettings(current.id, next, tx);
        if (after !== before) await this.versions.renameNamespace(scope, after, new Date(), tx);
        await this.audit.record(
          principal,
          {
            action: 'organization.update',
            resourceType: 'organization',
            resourceId: current.id,
            organizationId: current.id,
            changes: {
              ...(after !== before ? { registry_namespace: { from: before, to: after } } : {}),
              ...(next.publicCatalog !== current.publicCatalog
                ? { public_catalog: { from: current.publicCatalog, to: next.publicCatalog } }
                : {}),
            },
          },
          tx,
        );
        return next;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(NAMESPACE_TAKEN, 'registry_namespace');
      throw error;
    }
  }

  private scopeOf(principal: Principal, organizationId: string): OneOrganization {
    const scope = this.scopes.recordScope(principal, organizationId, 'Organization');
    if (scope.kind === 'all') throw new Error('An organization route without its organization');
    return scope;
  }
}

/** The stored namespace: null for the organization's own default, else a valid chosen one. */
function chosenNamespace(organizationId: string, requested: string): string | null {
  if (requested === defaultRegistryNamespace(organizationId)) return null;
  if (!isChosenRegistryNamespace(requested)) {
    throw ValidationError.field(
      'registry_namespace',
      `must be ${REGISTRY_NAMESPACE_RULE}, or this organization's default ${defaultRegistryNamespace(organizationId)}`,
    );
  }
  return requested;
}
