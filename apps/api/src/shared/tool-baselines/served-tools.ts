import type { ToolDriftPolicy } from '@app/core';
import type { DiscoveredTool, StoredToolPrint } from '@app/dal';
import { ToolApproval, toolApprovals } from '@app/health-checker';

/** How a served (or withheld) tool differs from the approved baseline. */
export type ToolDriftMark = Exclude<ToolApproval, 'approved'>;

export interface ServedTool {
  name: string;
  description: string | null;
  /** Absent for a tool the baseline holds byte for byte. */
  drift?: ToolDriftMark;
}

export interface WithheldTool {
  name: string;
  drift: ToolDriftMark;
}

export interface ServedTools {
  tools: ServedTool[];
  withheld: WithheldTool[];
}

/** The snapshot's indexes: what the baseline approved and what the last listing found. */
export interface ToolIndexes {
  baselineIndex: StoredToolPrint[] | null;
  observedIndex: StoredToolPrint[];
}

/**
 * The last discovered tools as `/tools` serves them. With an allow-list (`allowed`), only its
 * tools, and of those only the ones whose fingerprint the approved baseline holds: under
 * `withhold` an allowed tool that changed, was added since, or was never approved is left out and
 * named in `withheld`; under `flag` it is served, marked. Any tool that differs from the baseline
 * carries its `drift` mark. Without a snapshot (tools discovered before baselines existed, until
 * the next probe) nothing is known to differ and the tools are served as they are.
 */
export function serveTools(
  discovered: readonly DiscoveredTool[],
  allowed: readonly string[] | null,
  indexes: ToolIndexes | null,
  policy: ToolDriftPolicy,
): ServedTools {
  const allowList = allowed === null ? null : new Set(allowed);
  const approvals = indexes ? toolApprovals(indexes.baselineIndex, indexes.observedIndex) : null;
  const served: ServedTools = { tools: [], withheld: [] };
  for (const tool of discovered) {
    if (allowList && !allowList.has(tool.name)) continue;
    const approval = approvals ? (approvals.get(tool.name) ?? unlisted(indexes!)) : 'approved';
    const base = { name: tool.name, description: tool.description ?? null };
    if (approval === 'approved') {
      served.tools.push(base);
    } else if (allowList && policy === 'withhold') {
      served.withheld.push({ name: tool.name, drift: approval });
    } else {
      served.tools.push({ ...base, drift: approval });
    }
  }
  return served;
}

/** A discovered tool the snapshot does not list (they were written by racing probes). */
function unlisted(indexes: ToolIndexes): ToolDriftMark {
  return indexes.baselineIndex === null ? 'unapproved' : 'added';
}
