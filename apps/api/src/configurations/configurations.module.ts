import { Module } from '@nestjs/common';
import { McpConfigurationRepository } from '@app/dal';
import { ApiHealthCheckerModule } from '../shared/probe/api-health-checker.module';
import { ToolBaselinesModule } from '../shared/tool-baselines/tool-baselines.module';
import { ConfigurationCredentialsService } from './configuration-credentials.service';
import { ConfigurationProbeController } from './configuration-probe.controller';
import { ConfigurationProbeService } from './configuration-probe.service';
import { ConfigurationTestRecorder } from './configuration-test.recorder';
import { McpConfigurationsController } from './mcp-configurations.controller';
import { McpConfigurationsService } from './mcp-configurations.service';

/** Custom MCP configurations (API.md §3), including their connection test and tools. */
@Module({
  imports: [ApiHealthCheckerModule, ToolBaselinesModule],
  controllers: [McpConfigurationsController, ConfigurationProbeController],
  providers: [
    McpConfigurationRepository,
    McpConfigurationsService,
    ConfigurationCredentialsService,
    ConfigurationProbeService,
    ConfigurationTestRecorder,
  ],
})
export class ConfigurationsModule {}
