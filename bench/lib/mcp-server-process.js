'use strict';
// Child process: serves N streamable-HTTP MCP endpoints with test/support/mcp-servers.ts
// (startMultiPathMcpServer), the same real servers the e2e suites use. The TypeScript support
// files are transpiled to dist/bench/support/ first (no type check: the test suite does that).
// Prints one JSON line {baseUrl} when listening; SIGTERM closes it.

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '../..');
const SOURCES = ['test/support/mcp-servers.ts', 'test/support/mcp-bridge-transport.ts'];
const OUT = path.join(ROOT, 'dist/bench/support');

function transpile() {
  fs.mkdirSync(OUT, { recursive: true });
  for (const source of SOURCES) {
    const input = path.join(ROOT, source);
    const output = path.join(OUT, path.basename(source).replace(/\.ts$/, '.js'));
    if (fs.existsSync(output) && fs.statSync(output).mtimeMs >= fs.statSync(input).mtimeMs)
      continue;
    const { outputText } = ts.transpileModule(fs.readFileSync(input, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
      fileName: input,
    });
    // mcp-servers.ts reads its TLS fixtures beside itself; point __dirname back at the sources.
    const patched = outputText.replace(
      /\(0, node_path_1\.join\)\(__dirname, 'mcp-tls'\)/,
      `(0, node_path_1.join)(${JSON.stringify(path.join(ROOT, 'test/support'))}, 'mcp-tls')`,
    );
    fs.writeFileSync(output, patched);
  }
}

async function main() {
  const paths = Number(process.argv[2]);
  if (!Number.isInteger(paths) || paths <= 0)
    throw new Error('usage: mcp-server-process.js <paths>');
  transpile();
  const { startMultiPathMcpServer } = require(path.join(OUT, 'mcp-servers.js'));
  const server = await startMultiPathMcpServer(paths);
  process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl })}\n`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
