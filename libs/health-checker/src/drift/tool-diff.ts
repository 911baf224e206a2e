import type { ToolDefinition, ToolObject } from '@app/mcp-probe';
import { matchTools } from './tool-drift';

/** Pointers listed per changed tool at most; `pointers_truncated` says when there were more. */
export const MAX_POINTERS_PER_TOOL = 200;

/** One tool that differs from its baseline version, for a reviewer. */
export interface ToolChange {
  name: string;
  /** The top-level fields of the tool object that differ (added, removed or changed), sorted. */
  changedFields: string[];
  /** Before and after, when the description differs (null for a description absent). */
  description: { before: string | null; after: string | null } | null;
  /**
   * RFC 6901 JSON pointers, relative to the tool object, of every value that differs outside
   * the description (`/inputSchema/properties/verbose`, `/annotations/destructiveHint`, `/title`):
   * the deepest point where the two versions part (a key only one side has, an array element
   * past the other's end, a value replaced).
   */
  pointers: string[];
  pointersTruncated: boolean;
  fingerprintBefore: string;
  fingerprintAfter: string;
}

export interface ToolsDiff {
  /** Tools the baseline does not name, whole, as the server sends them now. */
  added: ToolDefinition[];
  /** Tools of the baseline the server no longer lists, whole, as approved. */
  removed: ToolDefinition[];
  changed: ToolChange[];
}

/** The per-tool difference between an approved baseline and the observed tools. */
export function diffTools(
  baseline: readonly ToolDefinition[],
  observed: readonly ToolDefinition[],
): ToolsDiff {
  const match = matchTools(baseline, observed);
  return {
    added: match.added,
    removed: match.removed,
    changed: match.changed.map(([before, after]) => toolChange(before, after)),
  };
}

function toolChange(before: ToolDefinition, after: ToolDefinition): ToolChange {
  const a = before.definition;
  const b = after.definition;
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((key) => !sameJson(a[key], b[key], hasOwn(a, key), hasOwn(b, key)))
    .sort();
  const pointers: string[] = [];
  for (const field of fields) {
    if (field === 'description') continue;
    collectPointers(a, b, [field], pointers);
  }
  return {
    name: after.name,
    changedFields: fields,
    description: fields.includes('description')
      ? { before: textOrNull(a.description), after: textOrNull(b.description) }
      : null,
    pointers: pointers.slice(0, MAX_POINTERS_PER_TOOL),
    pointersTruncated: pointers.length > MAX_POINTERS_PER_TOOL,
    fingerprintBefore: before.fingerprint,
    fingerprintAfter: after.fingerprint,
  };
}

/**
 * The pointers where `a` and `b` differ below `path` (whose last segment is a key of both
 * parents, or of one). Stops one past the limit: the caller only needs to know there were more.
 */
function collectPointers(
  parentA: ToolObject | unknown[],
  parentB: ToolObject | unknown[],
  path: string[],
  out: string[],
): void {
  const key = path[path.length - 1];
  const inA = hasOwn(parentA, key);
  const inB = hasOwn(parentB, key);
  const a: unknown = inA ? (parentA as Record<string, unknown>)[key] : undefined;
  const b: unknown = inB ? (parentB as Record<string, unknown>)[key] : undefined;
  if (out.length > MAX_POINTERS_PER_TOOL || sameJson(a, b, inA, inB)) return;
  if (inA && inB && isObject(a) && isObject(b)) {
    for (const child of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      collectPointers(a, b, [...path, child], out);
    }
    return;
  }
  if (inA && inB && Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      collectPointers(a, b, [...path, String(i)], out);
    }
    return;
  }
  out.push(toPointer(path));
}

/** RFC 6901: `~` as `~0`, `/` as `~1`, each segment after a `/`. */
export function toPointer(path: readonly string[]): string {
  return path.map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function sameJson(a: unknown, b: unknown, inA = true, inB = true): boolean {
  if (inA !== inB) return false;
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => hasOwn(b, key) && sameJson(a[key], b[key]))
    );
  }
  return false;
}

function isObject(value: unknown): value is ToolObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOwn(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string'
    ? value
    : value === undefined || value === null
      ? null
      : JSON.stringify(value);
}
