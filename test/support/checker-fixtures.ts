import { randomBytes } from 'node:crypto';
import { Agent, createServer, IncomingMessage, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { aliasKeyOf, McpServerEntity, serverNameKeyOf, uncheckedColumns } from '@app/dal';
import type { MultiPathMcpServer } from './mcp-servers';
import { serverColumns } from './server-rows';

/**
 * In front of a many-server MCP process: records when each MCP path receives `initialize` (one
 * per probe), and can make every server slow by holding each `tools/list` for `delayMs`.
 */
export interface CountingProxy {
  url(index: number): string;
  /** Arrival times (ms since the epoch) of the probes of server `index`. */
  probesOf(index: number): number[];
  close(): Promise<void>;
}

export async function startCountingProxy(
  upstream: MultiPathMcpServer,
  options: { delayMs?: number } = {},
): Promise<CountingProxy> {
  const target = new URL(upstream.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const probes = new Map<string, number[]>();
  const held = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      if (/"method"\s*:\s*"initialize"/.test(text)) {
        probes.set(path, [...(probes.get(path) ?? []), Date.now()]);
      }
      const forward = () => {
        const outgoing = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
            agent,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        outgoing.on('error', () => res.destroy());
        outgoing.end(body);
      };
      if (options.delayMs && /"method"\s*:\s*"tools\/list"/.test(text)) {
        const timer = setTimeout(() => {
          held.delete(timer);
          forward();
        }, options.delayMs);
        held.add(timer);
      } else {
        forward();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (index) => `http://127.0.0.1:${port}/mcp/${index}`,
    probesOf: (index) => probes.get(`/mcp/${index}`) ?? [],
    close: async () => {
      for (const timer of held) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** Registers `count` servers straight in the table, as if created long ago and never checked. */
export async function insertBulkServers(
  dataSource: DataSource,
  organizationId: string,
  count: number,
  urlOf: (index: number) => string,
): Promise<string[]> {
  const now = new Date();
  const tag = randomBytes(3).toString('hex');
  const rows: McpServerEntity[] = Array.from({ length: count }, (_, index) => {
    const name = `Bulk ${tag} ${index}`;
    const alias = `bulk_${tag}_${index}`;
    const columns = serverColumns(name, urlOf(index), {
      alias,
      updatedAt: now,
      updatedBy: 'usr_bulk',
    });
    return {
      ...columns,
      serverId: `bulk-${tag}-${index}`,
      organizationId,
      serverNameKey: serverNameKeyOf(name),
      aliasKey: aliasKeyOf(alias),
      createdAt: now,
      createdBy: 'usr_bulk',
      version: 1,
      ...uncheckedColumns(columns),
      nextCheckAt: null,
    };
  });
  // Taken before inserting: TypeORM may write values back into the entities it inserts.
  const ids = rows.map((row) => row.serverId);
  const repository = dataSource.getRepository(McpServerEntity);
  for (let start = 0; start < rows.length; start += 50) {
    await repository.insert(rows.slice(start, start + 50));
  }
  return ids;
}
