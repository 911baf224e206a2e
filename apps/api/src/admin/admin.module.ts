import { Module } from '@nestjs/common';
import {
  AuditEventRepository,
  McpServerVersionWriteRepository,
  OrganizationRepository,
  TeamRepository,
} from '@app/dal';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuditEventsController } from './audit-events/audit-events.controller';
import { AuditEventsService } from './audit-events/audit-events.service';
import { MeController } from './me/me.controller';
import { OrganizationsController } from './organizations/organizations.controller';
import { OrganizationSettingsService } from './organizations/organization-settings.service';
import { OrganizationsService } from './organizations/organizations.service';
import { TeamsController } from './teams/teams.controller';
import { TeamsService } from './teams/teams.service';

/** The admin routes of API.md §2: organizations, API keys, teams, /v1/me, audit events. */
@Module({
  controllers: [
    OrganizationsController,
    ApiKeysController,
    TeamsController,
    MeController,
    AuditEventsController,
  ],
  providers: [
    OrganizationRepository,
    TeamRepository,
    AuditEventRepository,
    McpServerVersionWriteRepository,
    OrganizationsService,
    OrganizationSettingsService,
    ApiKeysService,
    TeamsService,
    AuditEventsService,
  ],
})
export class AdminModule {}
