import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProbeResult } from '@app/mcp-probe';

/** Who asked for a probe: the background checker, a probe-now route, a configuration test. */
export type ProbeSource = 'checker' | 'on_demand' | 'configuration_test';

const PROBE_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LAG_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * The process's Prometheus metrics, in a registry of its own rather than prom-client's global
 * default: several apps can then live in one process (the test suites start many) without
 * "metric already registered" clashes, and /metrics shows only what this app recorded.
 */
@Injectable()
export class HealthMetrics {
  readonly registry = new Registry();

  private readonly probes = new Counter({
    name: 'mcp_probes_total',
    help: 'MCP probes run, by transport, outcome status, failure kind, what asked for them and the protocol era agreed on (modern, legacy, none)',
    labelNames: ['transport', 'status', 'error_kind', 'source', 'protocol_era'] as const,
    registers: [this.registry],
  });

  private readonly probeDuration = new Histogram({
    name: 'mcp_probe_duration_seconds',
    help: 'Duration of MCP probes (connect, era negotiation, tools/list, close), by transport and protocol era',
    labelNames: ['transport', 'status', 'protocol_era'] as const,
    buckets: PROBE_BUCKETS,
    registers: [this.registry],
  });

  private readonly checkerLag = new Histogram({
    name: 'mcp_health_checker_lag_seconds',
    help: 'How late the background checker claimed a server after its check fell due',
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });

  private readonly checkerLastLag = new Gauge({
    name: 'mcp_health_checker_last_lag_seconds',
    help: 'Lag of the most recent server the background checker claimed',
    registers: [this.registry],
  });

  private readonly checkerInFlight = new Gauge({
    name: 'mcp_health_checker_in_flight',
    help: 'Background probes running now in this process',
    registers: [this.registry],
  });

  private readonly checkerResults = new Counter({
    name: 'mcp_health_checker_results_total',
    help: 'Background check results: written, dropped because the server changed, or claim lost',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  recordProbe(source: ProbeSource, transport: string, result: ProbeResult, seconds: number): void {
    const era = result.protocol_era ?? 'none';
    this.probes.inc({
      transport,
      status: result.status,
      error_kind: result.error_kind ?? 'none',
      source,
      protocol_era: era,
    });
    this.probeDuration.observe({ transport, status: result.status, protocol_era: era }, seconds);
  }

  recordLag(seconds: number): void {
    this.checkerLag.observe(seconds);
    this.checkerLastLag.set(seconds);
  }

  checkStarted(): void {
    this.checkerInFlight.inc();
  }

  checkFinished(outcome: 'written' | 'changed' | 'lost' | 'failed' | 'abandoned'): void {
    this.checkerInFlight.dec();
    this.checkerResults.inc({ outcome });
  }
}
