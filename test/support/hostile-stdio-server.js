'use strict';
// A hostile stdio MCP server for the attack specs: it writes to stdout without end.
//   HOSTILE_STDIO_MODE=endless-line   one line that never ends (no newline, ever)
//   HOSTILE_STDIO_MODE=flood          small valid JSON-RPC notifications, one per line, forever
//   HOSTILE_STDIO_PIDFILE=<path>      write this process's pid there (to check it was killed)
const fs = require('node:fs');

if (process.env.HOSTILE_STDIO_PIDFILE) {
  fs.writeFileSync(process.env.HOSTILE_STDIO_PIDFILE, String(process.pid));
}
const block =
  process.env.HOSTILE_STDIO_MODE === 'flood'
    ? Buffer.from(
        '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hi"}}\n'.repeat(
          512,
        ),
      )
    : Buffer.alloc(64 * 1024, 'x');

process.stdout.on('error', () => process.exit(0));
const write = () => {
  while (process.stdout.write(block));
  process.stdout.once('drain', write);
};
write();
process.stdin.on('data', () => {});
