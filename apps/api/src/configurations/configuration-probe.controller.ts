import { Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Principal, Roles } from '@app/auth';
import { ConfigurationProbeService } from './configuration-probe.service';
import { ConfigurationTestResponseDto } from './dto/configuration-test-response.dto';
import { ConfigurationToolsResponseDto } from './dto/configuration-tools-response.dto';
import {
  toConfigurationTestResponse,
  toConfigurationToolDrift,
  toConfigurationToolsResponse,
} from './configuration-probe.mapper';
import { parseIfMatch } from '../shared/http-cache';
import { ConfigurationToolDriftReportDto } from '../shared/tool-baselines/tool-drift-report.dto';

@ApiTags('mcp-configurations')
@Controller('v1/mcp-configurations')
export class ConfigurationProbeController {
  constructor(private readonly probes: ConfigurationProbeService) {}

  @Post(':configurationId/test')
  @HttpCode(200)
  @Roles('org_admin', 'member', 'service')
  @ApiOperation({
    summary:
      'Test the connection: a real MCP initialize and tools/list with the stored credentials',
    description:
      'Stores connectionStatus (connected | disconnected | error), errorMessage, and on success lastConnectedAt and the discovered tools. Members may test the configurations they created.',
  })
  @ApiOkResponse({ type: ConfigurationTestResponseDto })
  async test(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
  ): Promise<ConfigurationTestResponseDto> {
    const { configuration, result } = await this.probes.test(principal, id);
    return toConfigurationTestResponse(configuration, result);
  }

  @Get(':configurationId/tools')
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({
    summary: 'Tools found by the last successful connection test',
    description:
      'With tool_configuration.enabled, only the tools named in allowed_tools; empty until a test has succeeded.',
  })
  @ApiOkResponse({ type: ConfigurationToolsResponseDto })
  async tools(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
  ): Promise<ConfigurationToolsResponseDto> {
    return toConfigurationToolsResponse(await this.probes.tools(principal, id));
  }

  @Get(':configurationId/tools/drift')
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({
    summary: 'How the tools of the last test differ from the approved baseline, tool by tool',
    description:
      'added and removed tools whole; for each changed tool the fields that differ, the description before and after, and JSON pointers to every other value that differs.',
  })
  @ApiOkResponse({ type: ConfigurationToolDriftReportDto })
  async drift(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
  ): Promise<ConfigurationToolDriftReportDto> {
    return toConfigurationToolDrift(await this.probes.drift(principal, id));
  }

  @Post(':configurationId/tools/baseline')
  @HttpCode(200)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Approve the tools the last test listed as the baseline',
    description:
      'If-Match (required) is the ETag of the configuration as read when reviewing; a newer observation of other tools bumps its version (412). Audited as tools.baseline_approved. 409 before any successful test.',
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiOkResponse({ type: ConfigurationToolDriftReportDto })
  async approve(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ConfigurationToolDriftReportDto> {
    return toConfigurationToolDrift(
      await this.probes.approve(principal, id, parseIfMatch(ifMatch)),
    );
  }
}
