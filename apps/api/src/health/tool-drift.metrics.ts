import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import type { OrganizationScope } from '@app/core';
import { decodeToolsDrift, ToolBaselineRepository } from '@app/dal';

/** Drifted servers reported at most (each with one series per kind). */
const MAX_DRIFTED_SERVERS = 1_000;

/**
 * `mcp_server_tools_drift{organization_id, server_id, kind}`: 1 for each kind of drift (added,
 * removed, changed) of each monitored server whose tools differ from the approved baseline; a
 * server without drift has no series. Read from the database at scrape time, so every replica
 * (and a separate health worker's observations) reports the same, and only for the scraping
 * key's scope: another organization's server ids never show.
 */
@Injectable()
export class ToolDriftMetrics {
  constructor(private readonly baselines: ToolBaselineRepository) {}

  async render(scope: OrganizationScope): Promise<string> {
    const registry = new Registry();
    const gauge = new Gauge({
      name: 'mcp_server_tools_drift',
      help: 'Monitored MCP servers whose tools differ from their approved baseline: 1 per kind of drift (added, removed, changed)',
      labelNames: ['organization_id', 'server_id', 'kind'] as const,
      registers: [registry],
    });
    for (const server of await this.baselines.driftedServers(scope, MAX_DRIFTED_SERVERS)) {
      for (const kind of decodeToolsDrift(server.toolsDrift) ?? []) {
        gauge.set({ organization_id: server.organizationId, server_id: server.serverId, kind }, 1);
      }
    }
    return registry.metrics();
  }
}
