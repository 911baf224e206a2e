'use strict';
// A modern MCP server over stdio (SDK 2.x `serveStdio`), for the era specs. Env switches:
//   MODERN_LEGACY=reject        modern only: a 2025-era opening gets the unsupported-version error
//   MODERN_TOOLS=<n>            serve tools tool_a, tool_b, … (n of them) instead of the default three
//   MODERN_PAGE_SIZE=<n>        page tools/list by n
//   MODERN_TOOLS_TTL_MS=<ms>    the tools/list caching hint (ttlMs) of modern answers
//   MODERN_PIDFILE=<path>       write this process's pid there
const fs = require('node:fs');

if (process.env.MODERN_PIDFILE) fs.writeFileSync(process.env.MODERN_PIDFILE, String(process.pid));

const { serveStdio } = require('@modelcontextprotocol/server/stdio');
const { modernServerFactory } = require('./modern-mcp-factory');

const count = Number(process.env.MODERN_TOOLS ?? 0);
const tools =
  count > 0
    ? Array.from({ length: count }, (_, i) => {
        // Letters, not digits: env values are secrets to the probe, and "2" would be redacted.
        const letter = String.fromCharCode(97 + i);
        return { name: `tool_${letter}`, description: `Tool ${letter}` };
      })
    : undefined;
const pageSize = Number(process.env.MODERN_PAGE_SIZE ?? 0) || undefined;
const ttl = process.env.MODERN_TOOLS_TTL_MS;

serveStdio(
  modernServerFactory({
    name: 'modern-stdio-server',
    tools,
    pageSize,
    toolsTtlMs: ttl === undefined ? undefined : Number(ttl),
  }),
  { legacy: process.env.MODERN_LEGACY === 'reject' ? 'reject' : 'serve' },
);
