import { AppError } from '@app/core';
import type { McpHealthSummaryResponseDto } from './dto/mcp-health-summary-response.dto';

/** `?fail_on_unhealthy=true` with an unhealthy server: a 503 a CI step can gate on. */
export class UnhealthyServersError extends AppError {
  constructor(summary: McpHealthSummaryResponseDto) {
    super(
      503,
      'SERVICE_UNAVAILABLE',
      'unavailable_error',
      `${summary.unhealthy} of ${summary.total} monitored MCP servers are unhealthy`,
      'Unhealthy MCP servers (fail_on_unhealthy=true)',
      { ...summary },
    );
  }
}
