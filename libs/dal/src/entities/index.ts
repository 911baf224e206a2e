import { ApiKeyAccessGroupEntity } from './api-key-access-group.entity';
import { ApiKeyTeamEntity } from './api-key-team.entity';
import { ApiKeyEntity } from './api-key.entity';
import { AuditEventEntity } from './audit-event.entity';
import { EventEntity } from './event.entity';
import { McpConfigurationEntity } from './mcp-configuration.entity';
import { McpServerAccessGroupEntity } from './mcp-server-access-group.entity';
import { McpServerEntity } from './mcp-server.entity';
import { McpServerVersionEntity } from './mcp-server-version.entity';
import { OrganizationEntity } from './organization.entity';
import { TeamAccessGroupEntity } from './team-access-group.entity';
import { TeamEntity } from './team.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEntity } from './webhook.entity';
import { ToolSnapshotEntity } from './tool-snapshot.entity';

/** Every entity: the app's DataSource knows them all, so no feature module registers its own. */
export const ENTITIES = [
  OrganizationEntity,
  ApiKeyEntity,
  ApiKeyAccessGroupEntity,
  ApiKeyTeamEntity,
  TeamEntity,
  TeamAccessGroupEntity,
  AuditEventEntity,
  McpConfigurationEntity,
  McpServerEntity,
  McpServerAccessGroupEntity,
  ToolSnapshotEntity,
  McpServerVersionEntity,
  EventEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
];
