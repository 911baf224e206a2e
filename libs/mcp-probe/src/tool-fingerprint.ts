import { createHash } from 'node:crypto';
import { CanonicalCopy, canonicalCopy, CanonicalDepthError, canonicalJson } from '@app/core';
import { ProbeFailure } from './probe-failure.error';
import type { SecretRedactor } from './secret-redactor';

/**
 * How deep a tool's wire object may nest (objects and arrays, the tool itself is level 1). Real
 * input schemas stay well under 20; deeper is a hostile answer, refused as a malformed message
 * rather than walked (the copy, the diff and the stored JSON would all recurse that deep).
 */
export const MAX_TOOL_DEFINITION_DEPTH = 64;
export const TOO_DEEP = `the server sent a tool nested deeper than ${MAX_TOOL_DEFINITION_DEPTH} levels`;

/** A JSON object as a server sent it (after redaction). */
export type ToolObject = { [key: string]: unknown };

/** One tool as `tools/list` returned it, and the SHA-256 of its canonical JSON. */
export interface ToolDefinition {
  /** The name as stored and shown (cut to the tool-name limit, like ProbeTool.name). */
  name: string;
  /** Hex SHA-256 of canonicalJson(definition). */
  fingerprint: string;
  /** The whole wire object: name, title, description, inputSchema, outputSchema, annotations… */
  definition: ToolObject;
}

/**
 * A tool's wire object as stored, with its fingerprint: a copy with every secret the probe sent
 * removed from its strings (keys included) — the definition is stored and shown like the tool's
 * description — and nothing cut (a change past any length limit is still a change), its keys in
 * canonical order. One walk copies, redacts and writes the canonical JSON that is hashed. Refuses
 * (as a malformed message) an object nested deeper than MAX_TOOL_DEFINITION_DEPTH.
 */
export function fingerprintedDefinition(
  name: string,
  tool: ToolObject,
  redactor: SecretRedactor,
): ToolDefinition {
  let copy: CanonicalCopy;
  try {
    copy = canonicalCopy(tool, {
      maxDepth: MAX_TOOL_DEFINITION_DEPTH,
      mapString: (text) => redactor.redact(text),
    });
  } catch (error) {
    if (!(error instanceof CanonicalDepthError)) throw error;
    throw new ProbeFailure('protocol_error', TOO_DEEP);
  }
  return { name, fingerprint: sha256(copy.text), definition: copy.value as ToolObject };
}

/** Hex SHA-256 of the canonical JSON of one tool's wire object. */
export function toolFingerprint(definition: ToolObject): string {
  return sha256(canonicalJson(definition));
}

/**
 * The fingerprint of a whole tool list: SHA-256 of the canonical JSON array of its tools'
 * fingerprints sorted by tool name (then fingerprint, for servers listing a name twice). The order
 * the server listed them in does not count; any tool's change, addition or removal does.
 */
export function toolSetFingerprint(
  tools: readonly { name: string; fingerprint: string }[],
): string {
  const sorted = [...tools].sort((a, b) =>
    a.name === b.name ? compare(a.fingerprint, b.fingerprint) : compare(a.name, b.name),
  );
  return sha256(canonicalJson(sorted.map((tool) => tool.fingerprint)));
}

/** UTF-16 code-unit order, as canonicalJson sorts keys. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
