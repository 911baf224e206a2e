import type { ToolDriftKind } from '@app/dal';

/** A tool as drift compares it: its name and the fingerprint of its whole wire object. */
export interface ToolPrint {
  name: string;
  fingerprint: string;
}

/** The tools of an observation set against the baseline's (see matchTools). */
export interface ToolMatch<T extends ToolPrint> {
  added: T[];
  removed: T[];
  /** [the baseline's tool, the observed one] of the same name, differing in some byte. */
  changed: [T, T][];
}

/**
 * Pairs the observed tools with the baseline's by name. A tool whose fingerprint the baseline
 * holds under its name is unchanged; of the rest, a name on both sides is a change, a name only
 * observed is an addition and a name only in the baseline a removal. Listing order never counts.
 * A server listing one name several times is paired in order, after exact matches.
 */
export function matchTools<T extends ToolPrint>(
  baseline: readonly T[],
  observed: readonly T[],
): ToolMatch<T> {
  const before = byName(baseline);
  const after = byName(observed);
  const match: ToolMatch<T> = { added: [], removed: [], changed: [] };
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was = [...(before.get(name) ?? [])];
    const now = [...(after.get(name) ?? [])];
    for (let i = now.length - 1; i >= 0; i--) {
      const same = was.findIndex((tool) => tool.fingerprint === now[i].fingerprint);
      if (same >= 0) {
        was.splice(same, 1);
        now.splice(i, 1);
      }
    }
    const paired = Math.min(was.length, now.length);
    for (let i = 0; i < paired; i++) match.changed.push([was[i], now[i]]);
    match.removed.push(...was.slice(paired));
    match.added.push(...now.slice(paired));
  }
  return match;
}

/** The kinds of drift between a baseline and an observation: [] when they hold the same tools. */
export function driftKinds(
  baseline: readonly ToolPrint[],
  observed: readonly ToolPrint[],
): ToolDriftKind[] {
  const match = matchTools(baseline, observed);
  const kinds: ToolDriftKind[] = [];
  if (match.added.length > 0) kinds.push('added');
  if (match.removed.length > 0) kinds.push('removed');
  if (match.changed.length > 0) kinds.push('changed');
  return kinds;
}

/**
 * Where one observed tool stands: `approved` (the baseline holds it byte for byte), `changed`
 * (the baseline holds another version of it), `added` (the baseline does not name it), or
 * `unapproved` (there is no baseline at all).
 */
export type ToolApproval = 'approved' | 'changed' | 'added' | 'unapproved';

/** The approval of each observed tool, by name (the worst, for a name listed twice). */
export function toolApprovals(
  baseline: readonly ToolPrint[] | null,
  observed: readonly ToolPrint[],
): Map<string, ToolApproval> {
  const approvals = new Map<string, ToolApproval>();
  if (baseline === null) {
    for (const tool of observed) approvals.set(tool.name, 'unapproved');
    return approvals;
  }
  for (const tool of observed) approvals.set(tool.name, 'approved');
  const match = matchTools(baseline, observed);
  for (const [, tool] of match.changed) approvals.set(tool.name, 'changed');
  for (const tool of match.added) {
    if (approvals.get(tool.name) !== 'changed') approvals.set(tool.name, 'added');
  }
  return approvals;
}

function byName<T extends ToolPrint>(tools: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const tool of tools) map.set(tool.name, [...(map.get(tool.name) ?? []), tool]);
  return map;
}
