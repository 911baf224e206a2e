import { Module } from '@nestjs/common';
import {
  McpServerReadRepository,
  McpServerVersionWriteRepository,
  McpServerWriteRepository,
  OrganizationRepository,
  RegistryRevisionRepository,
} from '@app/dal';
import { ApiHealthCheckerModule } from '../shared/probe/api-health-checker.module';
import { ServerCatalog } from './server-catalog';
import { ToolBaselinesModule } from '../shared/tool-baselines/tool-baselines.module';
import { ServerListCache } from './server-list.cache';
import { ServerProbeController } from './server-probe.controller';
import { ServerProbeNowService } from './server-probe-now.service';
import { ServerRegistryController } from './server-registry.controller';
import { ServerListRenderer } from './server-list.renderer';
import { ServerReadsService } from './server-reads.service';
import { ServerSecrets } from './server-secrets';
import { ServerWritesService } from './server-writes.service';
import { ServerToolsController } from './server-tools.controller';
import { ServerToolsService } from './server-tools.service';

/** The server registry (API.md §4), including probe-now of a server. */
@Module({
  imports: [ApiHealthCheckerModule, ToolBaselinesModule],
  controllers: [ServerRegistryController, ServerProbeController, ServerToolsController],
  providers: [
    McpServerReadRepository,
    McpServerWriteRepository,
    McpServerVersionWriteRepository,
    OrganizationRepository,
    RegistryRevisionRepository,
    ServerCatalog,
    ServerListCache,
    ServerListRenderer,
    ServerReadsService,
    ServerSecrets,
    ServerWritesService,
    ServerProbeNowService,
    ServerToolsService,
  ],
})
export class RegistryModule {}
