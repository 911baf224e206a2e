import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SecretBox } from '@app/crypto';
import { createKey, createOrg } from '../../support/factories';
import { startTestApp, TestApp } from '../../support/test-app';

const STDIO_SERVER = resolve(__dirname, '../../support/stdio-mcp-server.js');

/**
 * Issue 11 item 1, as a hostile org_admin (and a careless operator) would try it, with stdio
 * probing on: every refused case proves with a marker file that no child ever ran. On the code
 * before the fix each of these launched the program (the org_admin's `node -e`, a `/tmp/x/node`
 * look-alike, a NODE_OPTIONS preload, and rows stored before the rules existed).
 */
describe('attack: running programs on the registry host through stdio servers', () => {
  let t: TestApp;
  let dir: string;
  let orgId: string;
  let orgAdmin: string;

  beforeAll(async () => {
    t = await startTestApp({
      STDIO_ENABLED: 'true',
      STDIO_COMMAND_ALLOWLIST: 'node',
      HEALTH_CHECK_TIMEOUT_MS: '10000',
    });
    dir = mkdtempSync(join(tmpdir(), 'stdio-attack-'));
    orgId = (await createOrg(t)).organization_id;
    orgAdmin = (await createKey(t, { organizationId: orgId, role: 'org_admin' })).key;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function marker(): string {
    return join(dir, `marker-${randomBytes(4).toString('hex')}`);
  }

  /** A `node -e` program that leaves the marker behind when it runs. */
  function markerArgs(file: string): string[] {
    return ['-e', `require('fs').writeFileSync(${JSON.stringify(file)}, 'ran')`];
  }

  function serverBody(extra: Record<string, unknown>) {
    const suffix = randomBytes(4).toString('hex');
    return { server_id: `stdio-${suffix}`, server_name: `Stdio ${suffix}`, ...extra };
  }

  async function probe(serverId: string) {
    return t.request('POST', `/v1/mcp/server/${serverId}/health`, { key: orgAdmin });
  }

  /** A real stdio MCP server of the organization, defined by the platform admin. */
  async function platformStdioServer(env: Record<string, string> = {}) {
    const body = serverBody({
      organization_id: orgId,
      transport: 'stdio',
      command: 'node',
      args: [STDIO_SERVER],
      env,
    });
    const res = await t.request('POST', '/v1/mcp/server', { body });
    expect(res.status).toBe(201);
    return res.body.server_id as string;
  }

  function expectForbidden(res: { status: number; body: any }): void {
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'INSUFFICIENT_PERMISSIONS',
      type: 'permission_error',
      trace_id: expect.any(String),
    });
  }

  it('refuses an org_admin registering `node -e …` (403), and nothing ever runs it', async () => {
    const file = marker();
    const body = serverBody({ transport: 'stdio', command: 'node', args: markerArgs(file) });
    const res = await t.request('POST', '/v1/mcp/server', { key: orgAdmin, body });
    expectForbidden(res);
    expect((await probe(body.server_id)).status).toBe(404);
    const rows = await t.dataSource.query('SELECT 1 FROM mcp_servers WHERE server_id = ?', [
      body.server_id,
    ]);
    expect(rows).toHaveLength(0);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses an org_admin turning its http server into a stdio one (403); the probe stays http', async () => {
    const created = await t.request('POST', '/v1/mcp/server', {
      key: orgAdmin,
      body: serverBody({ transport: 'streamable_http', url: 'http://127.0.0.1:9/mcp' }),
    });
    expect(created.status).toBe(201);
    const file = marker();
    const res = await t.request('PUT', '/v1/mcp/server', {
      key: orgAdmin,
      body: {
        server_id: created.body.server_id,
        server_name: created.body.server_name,
        transport: 'stdio',
        command: 'node',
        args: markerArgs(file),
      },
    });
    expectForbidden(res);
    const probed = await probe(created.body.server_id);
    expect(probed.body.status).toBe('unhealthy');
    const after = await t.request('GET', `/v1/mcp/server/${created.body.server_id}`, {
      key: orgAdmin,
    });
    expect(after.body).toMatchObject({ transport: 'streamable_http', command: null });
    expect(existsSync(file)).toBe(false);
  });

  it('refuses an org_admin replacing or deleting a stdio server, but lets it see and probe it', async () => {
    const serverId = await platformStdioServer();
    const current = await t.request('GET', `/v1/mcp/server/${serverId}`, { key: orgAdmin });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ transport: 'stdio', command: 'node' });
    const listed = await t.request('GET', '/v1/mcp/server', { key: orgAdmin });
    expect(listed.body.map((s: { server_id: string }) => s.server_id)).toContain(serverId);

    const file = marker();
    const replaced = await t.request('PUT', '/v1/mcp/server', {
      key: orgAdmin,
      body: {
        server_id: serverId,
        server_name: current.body.server_name,
        transport: 'stdio',
        command: 'node',
        args: markerArgs(file),
      },
    });
    expectForbidden(replaced);
    const toHttp = await t.request('PUT', '/v1/mcp/server', {
      key: orgAdmin,
      body: {
        server_id: serverId,
        server_name: current.body.server_name,
        transport: 'sse',
        url: 'https://mcp.example.com/sse',
      },
    });
    expectForbidden(toHttp);
    expectForbidden(await t.request('DELETE', `/v1/mcp/server/${serverId}`, { key: orgAdmin }));

    const probed = await probe(serverId);
    expect(probed.status).toBe(200);
    expect(probed.body).toMatchObject({ status: 'healthy', tool_count: 2 });
    expect(existsSync(file)).toBe(false);
    const after = await t.request('GET', `/v1/mcp/server/${serverId}`, { key: orgAdmin });
    expect(after.body).toMatchObject({ transport: 'stdio', args: [STDIO_SERVER] });
    expect(after.body.updated_at).toBe(current.body.updated_at);
  });

  it('refuses even a platform admin a path to an allowlisted name (`/tmp/x/node`): 400, never run', async () => {
    const file = marker();
    const fakeBin = join(dir, `x-${randomBytes(4).toString('hex')}`);
    mkdirSync(fakeBin);
    const fake = join(fakeBin, 'node');
    writeFileSync(fake, `#!/bin/sh\necho ran > '${file}'\nexec '${process.execPath}' "$@"\n`);
    chmodSync(fake, 0o755);
    const body = serverBody({
      organization_id: orgId,
      transport: 'stdio',
      command: fake,
      args: [STDIO_SERVER],
    });
    const res = await t.request('POST', '/v1/mcp/server', { body });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual([
      { field: 'command', message: expect.stringMatching(/bare command name/) },
    ]);
    expect((await probe(body.server_id)).status).toBe(404);
    expect(existsSync(file)).toBe(false);
  });

  it.each([['NODE_OPTIONS'], ['node_options'], ['NODE_PATH'], ['LD_PRELOAD'], ['PATH']])(
    'refuses env.%s on a stdio server (400 naming the key); the preload never runs',
    async (name) => {
      const file = marker();
      const preload = join(dir, `preload-${randomBytes(4).toString('hex')}.js`);
      writeFileSync(preload, `require('fs').writeFileSync(${JSON.stringify(file)}, 'ran');`);
      const body = serverBody({
        organization_id: orgId,
        transport: 'stdio',
        command: 'node',
        args: [STDIO_SERVER],
        env: { API_TOKEN: 'fine', [name]: `--require ${preload}` },
      });
      const res = await t.request('POST', '/v1/mcp/server', { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.fields).toEqual([
        { field: `env.${name}`, message: expect.stringMatching(/loads code/) },
      ]);
      expect((await probe(body.server_id)).status).toBe(404);
      expect(existsSync(file)).toBe(false);
    },
  );

  it('does not launch a row stored before the rules (refused env or a path command)', async () => {
    const file = marker();
    const preload = join(dir, `preload-${randomBytes(4).toString('hex')}.js`);
    writeFileSync(preload, `require('fs').writeFileSync(${JSON.stringify(file)}, 'ran');`);
    const byEnv = await platformStdioServer({ API_TOKEN: 'fine' });
    const sealed = t.app
      .get(SecretBox)
      .sealJson(
        { API_TOKEN: 'fine', NODE_OPTIONS: `--require ${preload}` },
        { resourceType: 'mcp_server.env', resourceId: byEnv, organizationId: orgId },
      );
    await t.dataSource.query(
      'UPDATE mcp_servers SET env_sealed = ?, env_keys = ? WHERE server_id = ?',
      [sealed, JSON.stringify(['API_TOKEN', 'NODE_OPTIONS']), byEnv],
    );
    const refusedEnv = await probe(byEnv);
    expect(refusedEnv.status).toBe(200);
    expect(refusedEnv.body).toMatchObject({
      status: 'unhealthy',
      health_check_error:
        'stdio env.NODE_OPTIONS is refused: it changes how the command finds or loads code',
    });

    const fakeBin = join(dir, `x-${randomBytes(4).toString('hex')}`);
    mkdirSync(fakeBin);
    const fake = join(fakeBin, 'node');
    writeFileSync(fake, `#!/bin/sh\necho ran > '${file}'\nexec '${process.execPath}' "$@"\n`);
    chmodSync(fake, 0o755);
    const byPath = await platformStdioServer();
    await t.dataSource.query('UPDATE mcp_servers SET command = ? WHERE server_id = ?', [
      fake,
      byPath,
    ]);
    const refusedPath = await probe(byPath);
    expect(refusedPath.body).toMatchObject({ status: 'unhealthy' });
    expect(refusedPath.body.health_check_error).toMatch(/^stdio command must be a bare command/);
    expect(existsSync(file)).toBe(false);
  });
});
