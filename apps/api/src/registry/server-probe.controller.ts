import { Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Principal, Roles } from '@app/auth';
import { OrganizationQueryDto } from './dto/organization-query.dto';
import { ServerProbeResponseDto } from './dto/server-probe-response.dto';
import { ServerProbeNowService } from './server-probe-now.service';
import { toServerProbeResponse } from './server-probe.mapper';

// Tagged 'health' as before the route moved here, so the OpenAPI document stays the same.
@ApiTags('health')
@Controller('v1/mcp')
export class ServerProbeController {
  constructor(private readonly checks: ServerProbeNowService) {}

  @Post('server/:server_id/health')
  @HttpCode(200)
  @Roles('org_admin', 'member', 'service', 'health_monitor')
  @ApiOperation({
    summary: 'Probe a registry server now and return the fresh result',
    description:
      "Connects with the server's own transport and credentials, runs MCP initialize and tools/list, stores status, error, latency, consecutive failures and the tool list, and returns them. Answers within HEALTH_CHECK_TIMEOUT_MS (plus about a second of cleanup). Members only for servers they can see (others are a 404); viewers may not probe (read-only); health monitors for any server of their organization.",
  })
  @ApiOkResponse({ type: ServerProbeResponseDto })
  async probe(
    @Auth() principal: Principal,
    @Param('server_id') serverId: string,
    @Query() query: OrganizationQueryDto,
  ): Promise<ServerProbeResponseDto> {
    const { state, result } = await this.checks.probeNow(
      principal,
      serverId,
      query.organization_id,
    );
    return toServerProbeResponse(state, result);
  }
}
