'use strict';
// A real MCP server over stdio (the SDK's McpServer + StdioServerTransport) for the probe specs.
// Env switches:
//   MCP_STDIO_PIDFILE=<path>             write this process's pid there (to check it is gone later)
//   MCP_STDIO_GRANDCHILD_PIDFILE=<path>  spawn a long-lived child and write its pid there, to check
//                                        the whole process group is killed
//   MCP_STDIO_HANG=1                     read stdin but never answer, and outlive stdin closing
//   MCP_STDIO_IGNORE_SIGTERM=1           ignore SIGTERM, so only SIGKILL ends the process
// Tool `env_keys` describes the names (never values) of the environment variables it received.
// The pid is written before the SDK loads (which takes a while): a probe may stop a silent server
// early, and the specs check that whatever started is gone.
const fs = require('node:fs');
const { spawn } = require('node:child_process');

if (process.env.MCP_STDIO_PIDFILE) {
  fs.writeFileSync(process.env.MCP_STDIO_PIDFILE, String(process.pid));
}
if (process.env.MCP_STDIO_GRANDCHILD_PIDFILE) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)'], {
    stdio: 'ignore',
  });
  fs.writeFileSync(process.env.MCP_STDIO_GRANDCHILD_PIDFILE, String(child.pid));
}
if (process.env.MCP_STDIO_IGNORE_SIGTERM === '1') {
  process.on('SIGTERM', () => {});
}

if (process.env.MCP_STDIO_HANG === '1') {
  process.stdin.on('data', () => {});
  setInterval(() => {}, 60000);
} else {
  const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
  const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
  const server = new McpServer({ name: 'stdio-test-server', version: '2.1.0' });
  server.registerTool('echo', { description: 'Echo the given text back' }, async () => ({
    content: [{ type: 'text', text: 'echo' }],
  }));
  server.registerTool(
    'env_keys',
    { description: `env: ${Object.keys(process.env).sort().join(',')}` },
    async () => ({ content: [{ type: 'text', text: 'env_keys' }] }),
  );
  server.connect(new StdioServerTransport()).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
