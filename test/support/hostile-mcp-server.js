'use strict';
// A hostile MCP server (streamable HTTP, plain node:http) for the attack specs and the hostile
// bench. Every path answers `initialize` (and `tools/list`) in its own abusive way; bodies are
// generated chunk by chunk with backpressure, so a 300 MB answer never exists in memory.
//
//   /huge-initialize?mb=300            initialize answer of that many MB (chunked, no length)
//   /huge-initialize-declared?mb=300   the same with a Content-Length header
//   /endless-sse                       initialize answered by one SSE event that never ends
//   /sse-flood                         initialize answered by an endless stream of small events
//   /huge-tools?mb=50                  valid initialize; tools/list of that many MB (1 MB descriptions)
//   /long-tools                        valid initialize; 12,000 tools, the first 50 with long fields
//   /many-tools                        valid initialize; one page of 100,000 tiny tools
//   /bad-tools                         valid initialize; tools/list whose tools have no name
//   /echo-auth                         valid exchange whose server name and tool descriptions
//                                      quote the Authorization header in every form
//   /echo-auth-error                   initialize fails with a JSON-RPC error quoting it
//   /future-only                       a modern server of a later revision: every request gets
//                                      HTTP 400 and the unsupported-protocol-version error
//   GET /stats                         bytes written and responses cut short, per path
//
// Run as a child process (`node hostile-mcp-server.js`) it prints {"port":N} once listening.
const http = require('node:http');
const https = require('node:https');

const CHUNK = Buffer.alloc(64 * 1024, 'x');
const MB = 1024 * 1024;

/** `tls: {key, cert}` serves HTTPS (custom configurations only accept https:// URLs). */
function startHostileServer({ port = 0, tls } = {}) {
  const stats = {};
  const statOf = (path) => (stats[path] ??= { responses: 0, bytes: 0, cutShort: 0 });

  const handler = (req, res) => {
    const url = new URL(req.url, 'http://hostile');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/stats') return json(res, 200, stats);
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const parts = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size < MB) parts.push(chunk);
    });
    req.on('end', () => {
      let message;
      try {
        message = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        return json(res, 400, { error: 'bad json' });
      }
      if (message.id === undefined) {
        res.writeHead(202).end();
        return;
      }
      const stat = statOf(path);
      stat.responses += 1;
      const sent = track(res, stat);
      answer(path, url, message, req, res, sent);
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);

  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        port: actual,
        url: `${tls ? 'https' : 'http'}://127.0.0.1:${actual}`,
        stats: () => stats,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function answer(path, url, message, req, res, sent) {
  const mb = Number(url.searchParams.get('mb') ?? 300);
  const { id, method } = message;
  const auth = req.headers.authorization ?? '';
  switch (path) {
    case '/huge-initialize':
    case '/huge-initialize-declared': {
      const head = `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"version":"1","name":"`;
      const tail = '"}}}';
      const total = mb * MB;
      const headers = { 'content-type': 'application/json' };
      if (path.endsWith('-declared')) headers['content-length'] = String(total);
      res.writeHead(200, headers);
      return stream(res, sent, head, total - head.length - tail.length, tail);
    }
    case '/endless-sse':
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      return stream(res, sent, 'event: message\ndata: ', Infinity, '');
    case '/sse-flood': {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const event = Buffer.from(
        'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hi"}}\n\n',
      );
      return repeat(res, sent, Buffer.concat(new Array(256).fill(event)));
    }
    case '/huge-tools':
      if (method !== 'tools/list') return json(res, 200, initialized(id, 'huge-tools'));
      res.writeHead(200, { 'content-type': 'application/json' });
      return hugeTools(res, sent, id, mb);
    case '/long-tools':
      if (method !== 'tools/list') return json(res, 200, initialized(id, 'long-tools'));
      return json(res, 200, { jsonrpc: '2.0', id, result: { tools: longTools() } });
    case '/many-tools': {
      if (method !== 'tools/list') return json(res, 200, initialized(id, 'many-tools'));
      const tools = Array.from({ length: 100_000 }, (_, i) => ({ name: `t${i}` }));
      return json(res, 200, { jsonrpc: '2.0', id, result: { tools } });
    }
    case '/paged-big-tools': {
      // Pages of 1.5 MB each: every message within the limits, the whole listing past 4 MiB.
      if (method !== 'tools/list') return json(res, 200, initialized(id, 'paged-big-tools'));
      const page = Number(message.params?.cursor ?? 0);
      const tools = [{ name: `big_${page}`, description: 'x'.repeat(1_500_000) }];
      const next = page < 4 ? { nextCursor: String(page + 1) } : {};
      return json(res, 200, { jsonrpc: '2.0', id, result: { tools, ...next } });
    }
    case '/deep-tool': {
      // A schema nested 100 000 levels deep (about 1 MB): parsed fine, never walked.
      if (method !== 'tools/list') return json(res, 200, initialized(id, 'deep-tool'));
      const depth = 100_000;
      const schema = '{"items":'.repeat(depth) + '{}' + '}'.repeat(depth);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"tools":[{"name":"deep","inputSchema":${schema}}]}}`,
      );
      return undefined;
    }
    case '/bad-tools':
      if (method !== 'tools/list') return json(res, 200, initialized(id, 'bad-tools'));
      return json(res, 200, { jsonrpc: '2.0', id, result: { tools: [{ title: 'no name' }] } });
    case '/echo-auth':
      if (method === 'initialize') {
        return json(res, 200, initialized(id, `echo ${echoesOf(auth).slice(0, 3).join(' ')}`));
      }
      return json(res, 200, {
        jsonrpc: '2.0',
        id,
        result: {
          tools: echoesOf(auth).map((echo, i) => ({
            name: `echo_${i}`,
            description: `you sent ${echo}`,
            inputSchema: { type: 'object' },
          })),
        },
      });
    case '/echo-auth-error':
      return json(res, 200, {
        jsonrpc: '2.0',
        id,
        error: { code: -32000, message: `unauthorized: you sent ${echoesOf(auth).join(' | ')}` },
      });
    case '/future-only':
      return json(res, 400, {
        jsonrpc: '2.0',
        id,
        error: {
          code: -32022,
          message: 'Unsupported protocol version',
          data: { supported: ['2099-01-01'], requested: method },
        },
      });
    default:
      return json(res, 404, { error: 'no such path' });
  }
}

function initialized(id, name) {
  return {
    jsonrpc: '2.0',
    id,
    result: {
      protocolVersion: '2025-06-18',
      capabilities: { tools: {} },
      serverInfo: { name, version: '1.0.0' },
    },
  };
}

/** The Authorization header as a careless server might quote it back. */
function echoesOf(auth) {
  const [scheme = '', credential = ''] = auth.split(' ');
  const echoes = [];
  // What a Basic credential holds first: an error message may be cut after a few hundred chars.
  if (scheme.toLowerCase() === 'basic') {
    const pair = Buffer.from(credential, 'base64').toString('utf8');
    const [user, ...rest] = pair.split(':');
    const password = rest.join(':');
    echoes.push(
      pair,
      `user=${user}`,
      `password=${password}`,
      encodeURIComponent(password),
      Buffer.from(password).toString('base64'),
      Buffer.from(password).toString('hex'),
      JSON.stringify(pair).slice(1, -1),
      pair.toUpperCase(),
    );
  }
  echoes.push(
    auth,
    credential,
    Buffer.from(credential).toString('base64'),
    Buffer.from(credential).toString('hex'),
    credential.toUpperCase(),
  );
  return echoes;
}

function longTools() {
  const tools = [];
  for (let i = 0; i < 12_000; i++) {
    tools.push(
      i < 50
        ? { name: `long_${i}_${'n'.repeat(300)}`, description: `d${i} ${'d'.repeat(5_000)}` }
        : { name: `t${i}`, description: `tool ${i}` },
    );
  }
  return tools.map((tool) => ({ ...tool, inputSchema: { type: 'object' } }));
}

/** 1 MB descriptions, one tool after another, until `mb` MB were written. */
function hugeTools(res, sent, id, mb) {
  const description = 'x'.repeat(MB);
  let index = 0;
  const next = () => {
    if (sent.bytes >= mb * MB) return index === -1 ? null : ((index = -1), ']}}');
    const tool = `${index === 0 ? '' : ','}{"name":"tool_${index}","inputSchema":{"type":"object"},"description":"${description}"}`;
    index += 1;
    return tool;
  };
  pump(res, `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"tools":[`, next);
}

function stream(res, sent, head, fillBytes, tail) {
  let left = fillBytes;
  pump(res, head, () => {
    if (left <= 0) return left === -1 ? null : ((left = -1), tail);
    const size = Math.min(CHUNK.length, left);
    left -= size;
    return size === CHUNK.length ? CHUNK : CHUNK.subarray(0, size);
  });
}

function repeat(res, sent, block) {
  pump(res, '', () => block);
}

/** Writes `first`, then whatever `next` gives, honouring backpressure, until null or a hang-up. */
function pump(res, first, next) {
  if (first) res.write(first);
  const write = () => {
    while (!res.destroyed) {
      const chunk = next();
      if (chunk === null) return void res.end();
      if (!res.write(chunk)) return void res.once('drain', write);
    }
  };
  write();
}

function track(res, stat) {
  const sent = { bytes: 0 };
  const write = res.write.bind(res);
  res.write = (chunk, ...rest) => {
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    sent.bytes += length;
    stat.bytes += length;
    return write(chunk, ...rest);
  };
  res.on('close', () => {
    if (!res.writableFinished) stat.cutShort += 1;
  });
  return sent;
}

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

module.exports = { startHostileServer };

if (require.main === module) {
  startHostileServer({ port: Number(process.env.PORT ?? 0) }).then(({ port }) => {
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
}
