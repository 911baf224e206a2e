import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { startAppProcess, type AppProcess } from './app-process';
import type { SuiteDatabase } from './test-database';

/** The keyring variables of one replica. */
export type Keys = { CREDENTIALS_ENCRYPTION_KEYS: string; CREDENTIALS_ACTIVE_KEY_ID: string };

const ROTATE_JS = path.resolve(__dirname, '../../dist/apps/api/src/rotate-secrets.js');

export interface Written {
  kind: 'configuration' | 'server';
  id: string;
  token: string;
}

/** Two replicas behind a "load balancer": requests go to live ones; a restart takes one out first. */
export class RolloutCluster {
  readonly replicas: AppProcess[] = [];
  readonly live = new Set<number>();
  readonly written: Written[] = [];
  readonly counts: Record<string, number> = {};
  readonly failures: string[] = [];
  adminKey = '';
  organizationId = '';
  private stopped = true;
  private loops: Promise<void>[] = [];
  phase = 'start';

  constructor(private readonly database: SuiteDatabase) {}

  async start(keys: Keys): Promise<void> {
    for (let i = 0; i < 2; i++) await this.restart(i, keys);
    const app = this.replicas[0];
    const org = await app.request('POST', '/v1/organizations', { body: { name: 'Key rollout' } });
    const key = await app.request('POST', '/v1/api-keys', {
      body: { name: 'rollout', organization_id: org.body.organization_id, role: 'org_admin' },
    });
    expect(key.status).toBe(201);
    this.adminKey = key.body.key;
    this.organizationId = org.body.organization_id;
  }

  async restart(index: number, keys: Keys): Promise<void> {
    this.live.delete(index);
    await this.replicas[index]?.stop();
    this.replicas[index] = await startAppProcess({
      databaseUrl: this.database.url,
      env: { ...keys },
    });
    this.live.add(index);
  }

  /** `workers` loops writing and reading secrets on live replicas (or only on `on`). */
  startLoad(workers: number, on?: () => number): void {
    this.stopped = false;
    this.loops = Array.from({ length: workers }, () => this.loop(on));
  }

  async stopLoad(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  async stop(): Promise<void> {
    await this.stopLoad();
    await Promise.all(this.replicas.map((app) => app.stop()));
  }

  private pick(): number {
    const live = [...this.live];
    return live[Math.floor(Math.random() * live.length)];
  }

  private async loop(on?: () => number): Promise<void> {
    while (!this.stopped) {
      const index = on ? on() : this.pick();
      const app = this.replicas[index];
      const read = this.written.length > 0 && Math.random() < 0.6;
      try {
        if (read) await this.readOne(app, index);
        else await this.writeOne(app, index);
      } catch (error) {
        this.count(
          `replica${index} network ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name}`,
        );
      }
    }
  }

  private count(label: string): void {
    const key = `${this.phase}: ${label}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  /**
   * 503s are told apart: a missing key (mid rollout), a replica shutting down, or the database
   * (two processes writing one SQLite file: a write that loses the lock is refused, not committed).
   */
  private record(index: number, op: string, res: { status: number; text: string }): void {
    let status = String(res.status);
    if (res.status === 503) {
      status = res.text.includes('is not configured on this instance')
        ? '503-key'
        : res.text.includes('shutting down')
          ? '503-shutdown'
          : '503-database';
    }
    this.count(`replica${index} ${op} ${status}`);
    if (res.status >= 500 && res.status !== 503) {
      this.failures.push(`${this.phase} replica${index} ${op} ${res.status} ${res.text}`);
    }
  }

  async writeOne(app: AppProcess, index: number): Promise<void> {
    const token = `tok_${randomBytes(12).toString('hex')}`;
    if (Math.random() < 0.5) {
      const res = await app.request('POST', '/v1/mcp-configurations', {
        key: this.adminKey,
        body: {
          name: `Rollout ${randomBytes(6).toString('hex')}`,
          organization_id: this.organizationId,
          server_url: 'https://mcp.example.com/mcp',
          transport_type: 'streamable_http',
          auth_type: 'bearer_token',
          credentials: { type: 'bearer', token },
        },
      });
      this.record(index, 'create-configuration', res);
      if (res.status === 201) this.written.push({ kind: 'configuration', id: res.body.id, token });
      return;
    }
    const id = `rollout-${randomBytes(6).toString('hex')}`;
    const res = await app.request('POST', '/v1/mcp/server', {
      key: this.adminKey,
      body: serverBody(id, token, token),
    });
    this.record(index, 'create-server', res);
    if (res.status === 201) this.written.push({ kind: 'server', id, token });
  }

  /** Decrypts one stored value: credentials read, or a PUT that keeps masked secrets. */
  async readOne(app: AppProcess, index: number, target?: Written): Promise<number> {
    const item = target ?? this.written[Math.floor(Math.random() * this.written.length)];
    if (item.kind === 'configuration') {
      const res = await app.request('GET', `/v1/mcp-configurations/${item.id}/credentials`, {
        key: this.adminKey,
      });
      this.record(index, 'read-credentials', res);
      if (res.status === 200 && res.body.credentials?.token !== item.token) {
        this.failures.push(`${this.phase} wrong credentials for ${item.id}`);
      }
      return res.status;
    }
    const res = await app.request('PUT', '/v1/mcp/server', {
      key: this.adminKey,
      body: serverBody(item.id, '****', '****'),
    });
    this.record(index, 'put-masked', res);
    return res.status;
  }
}

function serverBody(id: string, envValue: string, token: string) {
  return {
    server_id: id,
    server_name: `Rollout ${id.slice(-12)}`,
    transport: 'streamable_http',
    url: 'https://mcp.example.com/mcp',
    auth_type: 'bearer_token',
    credentials: { type: 'bearer', token },
    env: { API_TOKEN: envValue },
  };
}

export function rotateSecrets(
  databaseUrl: string,
  keys: Keys,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ROTATE_JS], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: databaseUrl,
        API_KEY_PEPPER: 'test-pepper-0123456789abcdef',
        ...keys,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

export function totals(counts: Record<string, number>): Record<string, number> {
  const byStatus: Record<string, number> = {};
  for (const [label, n] of Object.entries(counts)) {
    const status = label.split(' ').pop()!;
    byStatus[status] = (byStatus[status] ?? 0) + n;
  }
  return byStatus;
}
