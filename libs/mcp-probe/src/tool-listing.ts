import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, McpError, PaginatedResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { ProbeFailure } from './probe-failure.error';
import type { ProbeServerInfo, ProbeTool } from './probe.types';
import { SecretRedactor } from './secret-redactor';

/** API.md §1 limits, kept by every tool a probe reports (and so stores). */
export const MAX_TOOLS = 10_000;
export const MAX_TOOL_NAME_LENGTH = 128;
export const MAX_TOOL_DESCRIPTION_LENGTH = 2_000;
/** Server name and version as the server reports them, bounded like names. */
export const MAX_SERVER_INFO_LENGTH = 128;
const MAX_TOOL_PAGES = 50;
// Checking and redacting thousands of tools is CPU work: let other requests in between batches.
const TOOLS_PER_TURN = 250;

/**
 * Every page of `tools/list` (bounded in pages and tools), each tool cut to the stored limits and
 * cleared of the probe's secrets: a server's answer is stored and shown to every viewer. Pages are
 * checked here, tool by tool, rather than by the SDK's schema, which would validate a page of a
 * hundred thousand tools in one go while every other request waits.
 */
export async function listAllTools(
  client: Client,
  options: RequestOptions,
  redactor: SecretRedactor,
): Promise<ProbeTool[]> {
  const tools: ProbeTool[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES && tools.length < MAX_TOOLS; page++) {
    let result;
    try {
      result = await client.request(
        { method: 'tools/list', params: cursor === undefined ? undefined : { cursor } },
        PaginatedResultSchema,
        options,
      );
    } catch (error) {
      // A server without tools may answer "method not found" when it never offered any.
      const offersTools = Boolean(client.getServerCapabilities()?.tools);
      if (
        page === 0 &&
        !offersTools &&
        error instanceof McpError &&
        error.code === ErrorCode.MethodNotFound
      ) {
        return [];
      }
      throw error;
    }
    const listed: unknown = result.tools;
    if (!Array.isArray(listed)) throw malformed();
    for (let i = 0; i < listed.length && tools.length < MAX_TOOLS; i++) {
      if (i % TOOLS_PER_TURN === TOOLS_PER_TURN - 1) await yieldToEventLoop();
      tools.push(checkedTool(listed[i], redactor));
    }
    cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined;
    // A cursor seen before would loop forever; stop with what was listed so far.
    if (!cursor || seenCursors.has(cursor)) break;
    seenCursors.add(cursor);
  }
  return tools;
}

function checkedTool(tool: unknown, redactor: SecretRedactor): ProbeTool {
  const { name, description } = (tool ?? {}) as { name?: unknown; description?: unknown };
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
