import { AppError } from '@app/core';
import type { McpHealthSummaryResponseDto } from './dto/mcp-health-summary-response.dto';

/** `?fail_on_drift=true` while a server's tools differ from their baseline: a 503 CI gates on. */
export class DriftedServersError extends AppError {
  constructor(summary: McpHealthSummaryResponseDto) {
    super(
      503,
      'SERVICE_UNAVAILABLE',
      'unavailable_error',
      `${summary.drifted} of ${summary.total} monitored MCP servers list tools that differ from their approved baseline`,
      'MCP servers with tool drift (fail_on_drift=true)',
      { ...summary },
    );
  }
}
