'use strict';
// The server factory of the modern test servers (MCP TypeScript SDK 2.x, protocol 2026-07-28):
// one definition serves both eras, over HTTP (modern-mcp-servers.ts) and stdio
// (modern-stdio-server.js). tools/list is paged by hand (`pageSize`), since the SDK never pages.
const { Server } = require('@modelcontextprotocol/server');

const DEFAULT_TOOLS = [
  { name: 'echo', description: 'Echo the given text back' },
  { name: 'add', description: 'Add two numbers' },
  { name: 'now', description: 'Tell the current time' },
];

/**
 * @param {{ name?: string, tools?: {name: string, description?: string}[], pageSize?: number,
 *   toolsTtlMs?: number }} options
 */
function modernServerFactory(options = {}) {
  const name = options.name ?? 'modern-test-server';
  const tools = options.tools ?? DEFAULT_TOOLS;
  const pageSize = options.pageSize ?? Infinity;
  const cacheHints =
    options.toolsTtlMs === undefined
      ? undefined
      : { 'tools/list': { ttlMs: options.toolsTtlMs, cacheScope: 'public' } };
  return () => {
    const server = new Server(
      { name, version: '2.4.0' },
      { capabilities: { tools: {} }, ...(cacheHints ? { cacheHints } : {}) },
    );
    server.setRequestHandler('tools/list', async (request) => {
      const start = Number(request.params?.cursor ?? 0) || 0;
      const end = Math.min(start + pageSize, tools.length);
      return {
        tools: tools.slice(start, end).map((tool) => ({
          name: tool.name,
          description: tool.description,
          inputSchema: { type: 'object', properties: {} },
        })),
        ...(end < tools.length ? { nextCursor: String(end) } : {}),
      };
    });
    server.setRequestHandler('tools/call', async (request) => ({
      content: [{ type: 'text', text: request.params.name }],
    }));
    return server;
  };
}

module.exports = { modernServerFactory, DEFAULT_TOOLS };
