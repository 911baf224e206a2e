import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, Principal, Roles } from '@app/auth';
import { McpHealthSummaryQueryDto } from './dto/mcp-health-summary-query.dto';
import { McpHealthSummaryResponseDto } from './dto/mcp-health-summary-response.dto';
import { toMcpHealthSummaryResponse } from './mcp-health-summary.mapper';
import { McpHealthSummaryService } from './mcp-health-summary.service';
import { UnhealthyServersError } from './unhealthy-servers.error';
import { DriftedServersError } from './drifted-servers.error';

@ApiTags('health')
@Controller('v1/health')
export class McpHealthSummaryController {
  constructor(private readonly summaries: McpHealthSummaryService) {}

  @Get('mcp')
  @Roles('org_admin', 'service', 'health_monitor')
  @ApiOperation({
    summary:
      'Health summary of the monitored MCP servers (a CI gate with fail_on_unhealthy=true and/or fail_on_drift=true)',
    description:
      "Counts the organization's servers with health checks enabled by status. Platform admins see every organization, or the one named by organization_id.",
  })
  @ApiOkResponse({ type: McpHealthSummaryResponseDto })
  @ApiServiceUnavailableResponse({
    description:
      'fail_on_unhealthy=true and a server is unhealthy, or fail_on_drift=true and a server has tool drift: the error envelope (SERVICE_UNAVAILABLE) with the summary in error.details',
  })
  async summary(
    @Auth() principal: Principal,
    @Query() query: McpHealthSummaryQueryDto,
  ): Promise<McpHealthSummaryResponseDto> {
    const summary = toMcpHealthSummaryResponse(
      await this.summaries.summary(principal, query.organization_id, {
        ignoreAuthFailures: query.auth_failures === 'ignore',
      }),
    );
    if (query.fail_on_unhealthy === true && summary.unhealthy > 0) {
      throw new UnhealthyServersError(summary);
    }
    if (query.fail_on_drift === true && summary.drifted > 0) {
      throw new DriftedServersError(summary);
    }
    return summary;
  }
}
