/**
 * Every event type the outbox writes. A consumer names types exactly, by resource (`team.*`), or
 * all of them (`*`).
 */
export const EVENT_TYPES = [
  'mcp_server.created',
  'mcp_server.updated',
  'mcp_server.deleted',
  'mcp_server.health_changed',
  'mcp_server.tools_drifted',
  'mcp_configuration.created',
  'mcp_configuration.updated',
  'mcp_configuration.deleted',
  'mcp_configuration.connection_changed',
  'api_key.revoked',
  'team.changed',
  'webhook.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** At most this many patterns in one filter (a subscription's `types`, the feed's `types=`). */
export const MAX_TYPE_PATTERNS = 32;

const RESOURCES = new Set(EVENT_TYPES.map((type) => type.slice(0, type.indexOf('.'))));

/** Why `pattern` names no event type, or null when it does. */
export function typePatternProblem(pattern: string): string | null {
  if (pattern === '*' || (EVENT_TYPES as readonly string[]).includes(pattern)) return null;
  if (pattern.endsWith('.*') && RESOURCES.has(pattern.slice(0, -2))) return null;
  return `"${pattern.slice(0, 80)}" is not an event type (one of ${EVENT_TYPES.join(', ')}, a resource's "<resource>.*", or "*")`;
}

/** The exact types `patterns` name; every type for an empty list. */
export function typesMatching(patterns: readonly string[]): EventType[] {
  if (patterns.length === 0) return [...EVENT_TYPES];
  return EVENT_TYPES.filter((type) => matchesTypes(type, patterns));
}

/** True when `type` is named by one of `patterns` (an empty list names every type). */
export function matchesTypes(type: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some(
    (pattern) =>
      pattern === '*' ||
      pattern === type ||
      (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))),
  );
}
