/** What differs between the tools a server lists now and its approved baseline. */
export const TOOL_DRIFT_KINDS = ['added', 'removed', 'changed'] as const;
export type ToolDriftKind = (typeof TOOL_DRIFT_KINDS)[number];

/** The stored `tools_drift` of a server or configuration with no drift. */
export const NO_DRIFT = 'none';

/**
 * `tools_drift` as stored: `none`, or the kinds that apply joined by commas in TOOL_DRIFT_KINDS
 * order (`added,changed`), so one column answers "any drift?" (`<> 'none'`) and "which kind?"
 * (a LIKE on the kind's name, none of which is part of another's).
 */
export function encodeToolsDrift(kinds: readonly ToolDriftKind[]): string {
  const present = TOOL_DRIFT_KINDS.filter((kind) => kinds.includes(kind));
  return present.length === 0 ? NO_DRIFT : present.join(',');
}

/** The kinds of a stored `tools_drift` ([] for none); null when nothing was compared yet. */
export function decodeToolsDrift(stored: string | null): ToolDriftKind[] | null {
  if (stored === null) return null;
  return TOOL_DRIFT_KINDS.filter((kind) => stored.split(',').includes(kind));
}

/** Whether a stored `tools_drift` says the tools differ from the baseline. */
export function hasDrift(stored: string | null): boolean {
  return stored !== null && stored !== NO_DRIFT;
}
