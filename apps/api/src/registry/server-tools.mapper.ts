import { toolsDriftValue } from '../shared/tool-baselines/tool-drift.fields';
import { toToolDriftReport } from '../shared/tool-baselines/tool-drift-report.mapper';
import type { ServerToolDriftReportDto } from '../shared/tool-baselines/tool-drift-report.dto';
import type { ServerToolsDto } from './dto/server-tools.dto';
import type { ServerToolDrift, ServerTools } from './server-tools.service';

/** Last discovered tools as served (allowed tools only while approved; see serveTools). */
export function toServerTools({ view, served }: ServerTools): ServerToolsDto {
  return {
    server_id: view.serverId,
    tools: served.tools.map((tool) => ({ ...tool })),
    withheld_tools: served.withheld.map((tool) => ({ name: tool.name, drift: tool.drift })),
    tools_drift: toolsDriftValue(view.toolsDrift),
    last_health_check: view.lastHealthCheck?.toISOString() ?? null,
  };
}

export function toServerToolDrift(drift: ServerToolDrift): ServerToolDriftReportDto {
  return {
    server_id: drift.serverId,
    organization_id: drift.organizationId,
    ...toToolDriftReport(drift.state, drift.snapshot),
  };
}
