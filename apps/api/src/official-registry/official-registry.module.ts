import { Module } from '@nestjs/common';
import { McpServerVersionReadRepository } from '@app/dal';
import { OfficialReads } from './official-reads';
import { OfficialRegistryService } from './official-registry.service';
import { OfficialServersController } from './official-servers.controller';
import { OrgCatalogController } from './org-catalog.controller';
import { ProtectedResourceController } from './protected-resource.controller';

/**
 * The official MCP registry read API (v0.1, modelcontextprotocol/registry openapi.yaml
 * 2025-12-01), so MCP clients (VS Code, Visual Studio, GitHub Copilot) can use the registry as a
 * private registry. Read-only: the registry's own writes keep its rows (registry/server-catalog).
 */
@Module({
  controllers: [OfficialServersController, OrgCatalogController, ProtectedResourceController],
  providers: [McpServerVersionReadRepository, OfficialRegistryService, OfficialReads],
})
export class OfficialRegistryModule {}
