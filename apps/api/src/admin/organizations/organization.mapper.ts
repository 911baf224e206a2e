import { registryNamespaceOf } from '@app/core';
import type { OrganizationEntity } from '@app/dal';
import type { OrganizationResponseDto } from './dto/organization-response.dto';

export function toOrganizationResponse(organization: OrganizationEntity): OrganizationResponseDto {
  return {
    organization_id: organization.id,
    name: organization.name,
    created_at: organization.createdAt.toISOString(),
    registry_namespace: registryNamespaceOf(organization),
    public_catalog: organization.publicCatalog ?? false,
  };
}
