import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  Client,
  MAX_CACHE_TTL_MS,
  ProtocolError,
  ProtocolErrorCode,
  RequestOptions,
  StandardSchemaV1,
} from '@modelcontextprotocol/client';
import { ProbeFailure } from './probe-failure.error';
import type { ProbeServerInfo, ProbeTool } from './probe.types';
import { SecretRedactor } from './secret-redactor';
import {
  fingerprintedDefinition,
  TOO_DEEP,
  ToolDefinition,
  ToolObject,
  toolSetFingerprint,
} from './tool-fingerprint';

/** API.md §1 limits, kept by every tool a probe reports (and so stores). */
export const MAX_TOOLS = 10_000;
export const MAX_TOOL_NAME_LENGTH = 128;
export const MAX_TOOL_DESCRIPTION_LENGTH = 2_000;
/** Server name and version as the server reports them, bounded like names. */
export const MAX_SERVER_INFO_LENGTH = 128;
const MAX_TOOL_PAGES = 50;
/**
 * The JSON of all listed tools at most: every tool is stored whole twice (the last observation
 * and the baseline, in one row written at once), which must stay well inside a database packet
 * (MariaDB's default max_allowed_packet is 16 MiB) and a MEDIUMTEXT column.
 */
export const MAX_TOOL_LISTING_BYTES = 4 * 1024 * 1024;
// Checking and redacting thousands of tools is CPU work: let other requests in between batches.
const TOOLS_PER_TURN = 250;

/** A page as the server sent it: checked field by field below, not by the SDK's schema. */
type RawPage = Record<string, unknown>;
const RAW_PAGE: StandardSchemaV1<unknown, RawPage> = {
  '~standard': {
    version: 1,
    vendor: 'mcp-registry',
    validate: (value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? { value: value as RawPage }
        : { issues: [{ message: 'the result is not an object' }] },
  },
};

/** The listing a probe found last time: its digest, and the fingerprint of its tools. */
export interface KnownToolListing {
  digest: string;
  fingerprint: string;
}

export interface ToolListing {
  tools: ProbeTool[];
  /**
   * Each tool's whole wire object (secrets removed) and its fingerprint, in listed order; null
   * when the listing is byte for byte the known one (`fingerprint` is then the known one).
   */
  definitions: ToolDefinition[] | null;
  /** toolSetFingerprint of the tools. */
  fingerprint: string;
  /** SHA-256 of the pages' tools as the server sent them (JSON text, key order and all). */
  digest: string;
  /** The smallest freshness hint (`ttlMs`) of a modern server's pages, capped; else null. */
  ttlMs: number | null;
}

/**
 * Every page of `tools/list` (bounded in pages and tools), each tool cut to the stored limits and
 * cleared of the probe's secrets: a server's answer is stored and shown to every viewer. Pages are
 * checked here, tool by tool, rather than by the SDK's schema, which would validate a page of a
 * hundred thousand tools in one go while every other request waits. Both eras page the same way
 * (`nextCursor`); only a modern result carries caching hints. Each tool is also kept whole (its
 * wire object, secrets removed, nothing cut) with its fingerprint, for the tool baselines, unless
 * the listing is byte for byte the `known` one: canonical JSON and hashes of every tool are most
 * of the work a listing costs, and a server's tools rarely change.
 */
export async function listAllTools(
  client: Client,
  options: RequestOptions,
  redactor: SecretRedactor,
  known?: KnownToolListing,
): Promise<ToolListing> {
  const tools: ProbeTool[] = [];
  const wire: ToolObject[] = [];
  const digest = createHash('sha256');
  let listingBytes = 0;
  const modern = client.getProtocolEra() === 'modern';
  let ttlMs: number | null = null;
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES && tools.length < MAX_TOOLS; page++) {
    let result: RawPage;
    try {
      result = await client.request(
        { method: 'tools/list', params: cursor === undefined ? undefined : { cursor } },
        RAW_PAGE,
        options,
      );
    } catch (error) {
      // A server without tools may answer "method not found" when it never offered any.
      const offersTools = Boolean(client.getServerCapabilities()?.tools);
      if (
        page === 0 &&
        !offersTools &&
        error instanceof ProtocolError &&
        error.code === ProtocolErrorCode.MethodNotFound
      ) {
        return {
          tools: [],
          definitions: [],
          fingerprint: toolSetFingerprint([]),
          digest: createHash('sha256').digest('hex'),
          ttlMs: null,
        };
      }
      throw error;
    }
    if (modern) ttlMs = smallerTtl(ttlMs, result.ttlMs);
    const listed: unknown = result.tools;
    if (!Array.isArray(listed)) throw malformed();
    const text = listingText(listed);
    listingBytes += Buffer.byteLength(text, 'utf8');
    if (listingBytes > MAX_TOOL_LISTING_BYTES) {
      throw new ProbeFailure(
        'response_too_large',
        `response too large: the tools listed are more than ${MAX_TOOL_LISTING_BYTES} bytes of JSON`,
      );
    }
    digest.update(`${text}\n`);
    for (let i = 0; i < listed.length && tools.length < MAX_TOOLS; i++) {
      if (i % TOOLS_PER_TURN === TOOLS_PER_TURN - 1) await yieldToEventLoop();
      tools.push(checkedTool(listed[i], redactor));
      wire.push(listed[i] as ToolObject);
    }
    cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined;
    // A cursor seen before would loop forever; stop with what was listed so far.
    if (!cursor || seenCursors.has(cursor)) break;
    seenCursors.add(cursor);
  }
  const listing = { tools, digest: digest.digest('hex'), ttlMs: ttlMs || null };
  if (known && known.digest === listing.digest) {
    return { ...listing, definitions: null, fingerprint: known.fingerprint };
  }
  const definitions: ToolDefinition[] = [];
  for (let i = 0; i < wire.length; i++) {
    if (i % TOOLS_PER_TURN === TOOLS_PER_TURN - 1) await yieldToEventLoop();
    definitions.push(fingerprintedDefinition(tools[i].name, wire[i], redactor));
  }
  return { ...listing, definitions, fingerprint: toolSetFingerprint(definitions) };
}

/**
 * A page's tools as JSON text, for its digest and size. JSON.stringify recurses: a page nested
 * past the call stack (JSON.parse took it) is the too-deep tool it holds.
 */
function listingText(listed: unknown[]): string {
  try {
    return JSON.stringify(listed);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ProbeFailure('protocol_error', TOO_DEEP);
  }
}

/** `ttlMs` of 0 or less (or none) means "stale at once": no page of the list may be reused. */
function smallerTtl(current: number | null, hint: unknown): number | null {
  if (typeof hint !== 'number' || !Number.isFinite(hint) || hint <= 0) return 0;
  const capped = Math.min(Math.floor(hint), MAX_CACHE_TTL_MS);
  return current === null ? capped : Math.min(current, capped);
}

function checkedTool(tool: unknown, redactor: SecretRedactor): ProbeTool {
  if (typeof tool !== 'object' || tool === null || Array.isArray(tool)) throw malformed();
  const { name, description } = tool as { name?: unknown; description?: unknown };
  if (typeof name !== 'string') throw malformed();
  if (description !== undefined && description !== null && typeof description !== 'string') {
    throw malformed();
  }
  return {
    name: bounded(name, MAX_TOOL_NAME_LENGTH, redactor),
    description:
      typeof description === 'string'
        ? bounded(description, MAX_TOOL_DESCRIPTION_LENGTH, redactor)
        : null,
  };
}

function malformed(): ProbeFailure {
  return new ProbeFailure('protocol_error', 'the server sent a malformed MCP message');
}

export function boundedServerInfo(
  server: { name?: string; version?: string } | undefined,
  protocolVersion: string | null,
  redactor: SecretRedactor,
): ProbeServerInfo {
  return {
    name: bounded(server?.name ?? '', MAX_SERVER_INFO_LENGTH, redactor),
    version: bounded(server?.version ?? '', MAX_SERVER_INFO_LENGTH, redactor),
    protocol_version: protocolVersion ?? '',
  };
}

/**
 * Redacted, then at most `max` UTF-16 units (as API.md's limits count), never ending in half a
 * surrogate pair. Redacting first means a secret cut by the limit is never stored in part.
 */
export function bounded(text: string, max: number, redactor: SecretRedactor): string {
  const redacted = redactor.redact(text, max);
  if (redacted.length <= max) return redacted;
  const cut = redacted.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
