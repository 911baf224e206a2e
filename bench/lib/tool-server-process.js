'use strict';
// Child process: one streamable-HTTP MCP server (the TypeScript SDK 2.x Server behind its
// web-standard handler, both eras) listing `count` tools of bench/lib/tool-set.js. POST /revision
// makes the next listings drift (tool 0's description changes). Prints {url, control} when
// listening; SIGTERM closes it.

const { createServer } = require('node:http');
const { createMcpHandler, Server } = require('@modelcontextprotocol/server');
const { toolSet } = require('./tool-set');

async function main() {
  const count = Number(process.argv[2]);
  if (!Number.isInteger(count) || count <= 0)
    throw new Error('usage: tool-server-process.js <count>');
  let revision = 0;
  let tools = toolSet(count, revision);
  const handler = createMcpHandler(
    () => {
      const server = new Server(
        { name: 'bench-tools', version: '1.0.0' },
        { capabilities: { tools: {} } },
      );
      server.setRequestHandler('tools/list', async () => ({ tools }));
      return server;
    },
    { legacy: 'stateless' },
  );
  const http = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      if (req.url === '/revision') {
        revision += 1;
        tools = toolSet(count, revision);
        res.writeHead(204).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const response = await handler.fetch(
        new Request(`http://127.0.0.1${req.url}`, {
          method: req.method,
          headers,
          body: hasBody ? Buffer.concat(chunks) : undefined,
        }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) for await (const chunk of response.body) res.write(chunk);
      res.end();
    });
  });
  await new Promise((done) => http.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${http.address().port}`;
  process.stdout.write(`${JSON.stringify({ url: `${base}/mcp`, control: `${base}/revision` })}\n`);
  const stop = () => http.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
