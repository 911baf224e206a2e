import * as net from 'node:net';
import { TcpProxy } from '../support/tcp-proxy';

/** An echo server: what the proxy forwards comes straight back. */
async function startEcho(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what `socket` receives within `ms` (possibly nothing). */
function received(socket: net.Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => (text += chunk.toString());
    socket.on('data', onData);
    setTimeout(() => {
      socket.off('data', onData);
      resolve(text);
    }, ms);
  });
}

describe('TcpProxy (the fault suite stands in for a hung or dead database with it)', () => {
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let proxy: TcpProxy;

  beforeEach(async () => {
    echo = await startEcho();
    proxy = new TcpProxy('127.0.0.1', echo.port);
    await proxy.start();
  });
  afterEach(async () => {
    await proxy.stop();
    await echo.close();
  });

  it('forwards both ways, holds bytes while paused (socket open) and delivers them on resume', async () => {
    const socket = await connect(proxy.port);
    socket.write('one');
    expect(await received(socket, 200)).toBe('one');

    proxy.pause();
    socket.write('two');
    expect(await received(socket, 300)).toBe('');
    expect(socket.destroyed).toBe(false);
    // A connection made during the hang is accepted and hangs as well.
    const late = await connect(proxy.port);
    late.write('late');
    expect(await received(late, 300)).toBe('');

    await proxy.resume();
    const [onFirst, onLate] = await Promise.all([received(socket, 300), received(late, 300)]);
    expect(onFirst).toBe('two');
    expect(onLate).toBe('late');
    socket.destroy();
    late.destroy();
  });

  it('resets open sockets and refuses new connections until resumed on the same port', async () => {
    const socket = await connect(proxy.port);
    const closed = new Promise<string>((resolve) => {
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      socket.once('close', () => resolve('closed'));
    });
    const port = proxy.port;
    await proxy.reset();
    expect(['ECONNRESET', 'closed']).toContain(await closed);
    await expect(connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await proxy.resume();
    expect(proxy.port).toBe(port);
    const again = await connect(port);
    again.write('back');
    expect(await received(again, 200)).toBe('back');
    again.destroy();
  });
});
