import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Principal, Roles } from '@app/auth';
import { ConfigurationProbeService } from './configuration-probe.service';
import { ConfigurationTestResponseDto } from './dto/configuration-test-response.dto';
import { ConfigurationToolsResponseDto } from './dto/configuration-tools-response.dto';
import {
  toConfigurationTestResponse,
  toConfigurationToolsResponse,
} from './configuration-probe.mapper';

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
    const { configuration, tools } = await this.probes.tools(principal, id);
    return toConfigurationToolsResponse(configuration, tools);
  }
}
