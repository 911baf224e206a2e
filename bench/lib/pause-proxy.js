'use strict';
// A loopback TCP proxy in front of MySQL that can hang (stop forwarding, keep sockets open, as a
// SIGSTOPped server or a silent partition would) and resume. The fault suite has the full one
// (test/support/tcp-proxy.ts, also reset); this is the part `node bench/faults.js` needs.

const net = require('node:net');

async function startPauseProxy(targetHost, targetPort) {
  const pairs = new Set();
  let paused = false;
  const forward = (from, to) => {
    from.on('data', (chunk) => {
      if (paused) {
        from.pause();
        from.unshift(chunk);
        return;
      }
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => paused || from.resume());
      }
    });
    from.on('end', () => to.end());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair = { client, upstream };
    pairs.add(pair);
    for (const socket of [client, upstream]) {
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
    if (paused) {
      client.pause();
      upstream.pause();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    pause() {
      paused = true;
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    resume() {
      paused = false;
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
    },
    connections: () => pairs.size,
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

module.exports = { startPauseProxy };
