import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APP_CONFIG_SCHEMA,
  ConfigValidationError,
  parseDatabaseUrl,
  parseEnv,
  variablesOf,
} from './app-config';

describe('APP_CONFIG_SCHEMA', () => {
  const variables = variablesOf(APP_CONFIG_SCHEMA);

  it('declares each variable once', () => {
    expect(new Set(variables).size).toBe(variables.length);
    expect(variables).toContain('DATABASE_URL');
    expect(variables).toContain('METRICS_PUBLIC');
  });

  it('has every variable documented in .env.example (the complete list the README points to)', () => {
    const example = readFileSync(join(__dirname, '../../../../.env.example'), 'utf8');
    const undocumented = variables.filter((name) => !new RegExp(`^${name}=`, 'm').test(example));
    expect(undocumented).toEqual([]);
  });
});

describe('parseEnv', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = parseEnv({});
    expect(config.port).toBe(3000);
    expect(config.database).toMatchObject({
      type: 'sqlite',
      migrationsRun: true,
      queryTimeoutMs: 5000,
      poolQueueLimit: 200,
    });
    expect(config.database.type === 'sqlite' && config.database.path).toMatch(
      /data\/mcp-registry\.sqlite$/,
    );
    expect(config.auth.rateLimitPerMinute).toBe(6000);
    expect(config.auth.keyCacheTtlMs).toBe(5000);
    expect(config.mcp.stdioCommandAllowlist).toEqual(['npx', 'node', 'uvx', 'python3']);
    expect(config.mcp.stdioEnabled).toBe(false);
    expect(config.health).toEqual({
      timeoutMs: 10000,
      intervalS: 60,
      concurrency: 10,
      workerEnabled: true,
    });
    expect(config.metricsPublic).toBe(false);
    expect(config.bodyLimitBytes).toBe(1048576);
    expect(config.requestTimeoutMs).toBe(30000);
    expect(config.trustProxy).toBe(false);
    expect(config.mcp).toMatchObject({
      probeMaxMessageBytes: 4 * 1024 * 1024,
      probeMaxTotalBytes: 8 * 1024 * 1024,
      probeMaxMessages: 500,
    });
  });

  it('reads the tool baseline settings: auto baselines on, drifted allowed tools withheld', () => {
    expect(parseEnv({}).tools).toEqual({ baselineAuto: true, driftPolicy: 'withhold' });
    expect(parseEnv({ TOOL_BASELINE_AUTO: 'false', TOOL_DRIFT_POLICY: 'flag' }).tools).toEqual({
      baselineAuto: false,
      driftPolicy: 'flag',
    });
    expect(() => parseEnv({ TOOL_DRIFT_POLICY: 'ignore' })).toThrow(
      'Invalid configuration: TOOL_DRIFT_POLICY must be one of withhold, flag',
    );
    expect(() => parseEnv({ TOOL_BASELINE_AUTO: 'maybe' })).toThrow(/TOOL_BASELINE_AUTO/);
  });

  it('passes a stdio child only the host PATH and HOME, never other variables', () => {
    const env = { PATH: '/usr/bin', HOME: '/home/app', AWS_SECRET_ACCESS_KEY: 'host-secret' };
    expect(parseEnv(env).mcp.stdioBaseEnv).toEqual({ PATH: '/usr/bin', HOME: '/home/app' });
    expect(parseEnv({}).mcp.stdioBaseEnv).toEqual({});
  });

  it('reads the probe read limits, and refuses a total below the per-message limit', () => {
    expect(
      parseEnv({
        PROBE_MAX_MESSAGE_BYTES: '65536',
        PROBE_MAX_TOTAL_BYTES: '131072',
        PROBE_MAX_MESSAGES: '50',
      }).mcp,
    ).toMatchObject({
      probeMaxMessageBytes: 65536,
      probeMaxTotalBytes: 131072,
      probeMaxMessages: 50,
    });
    expect(() =>
      parseEnv({ PROBE_MAX_MESSAGE_BYTES: '65536', PROBE_MAX_TOTAL_BYTES: '4096' }),
    ).toThrow(
      'Invalid configuration: PROBE_MAX_TOTAL_BYTES must be at least PROBE_MAX_MESSAGE_BYTES',
    );
    expect(() => parseEnv({ PROBE_MAX_MESSAGE_BYTES: '10' })).toThrow(/PROBE_MAX_MESSAGE_BYTES/);
    expect(() => parseEnv({ PROBE_MAX_MESSAGES: 'many' })).toThrow(/PROBE_MAX_MESSAGES/);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DB_MIGRATIONS_RUN', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['HEALTH_CHECK_INTERVAL_S', '-5'],
    ['RATE_LIMIT_PER_MINUTE', '-1'],
    ['DATABASE_URL', 'postgres://x/y'],
    ['BOOTSTRAP_ADMIN_KEY', 'not-a-key'],
    ['API_KEY_PEPPER', 'short'],
    ['DB_QUERY_TIMEOUT_MS', '50'],
    ['DB_POOL_QUEUE_LIMIT', 'none'],
    ['STDIO_COMMAND_ALLOWLIST', 'npx,/usr/bin/node'],
    ['HTTP_REQUEST_TIMEOUT_MS', 'soon'],
    ['TRUST_PROXY', 'balancer.internal'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '10.0.0.1,::1/200'],
    ['TRUST_PROXY', '0'],
  ])('rejects %s=%s naming the variable without echoing the value', (name, value) => {
    let error: unknown;
    try {
      parseEnv({ [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).variable).toBe(name);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).not.toContain(value);
  });

  it('requires a pepper in production on MySQL', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'mysql://root@db/x' })).toThrow(
      /API_KEY_PEPPER/,
    );
  });

  it.each([
    ['false', false],
    ['true', true],
    ['2', 2],
    [' 10.0.0.0/8 , 192.168.1.7,loopback ', ['10.0.0.0/8', '192.168.1.7', 'loopback']],
    ['fd00::/8,::1', ['fd00::/8', '::1']],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(parseEnv({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('parses lists and booleans', () => {
    const config = parseEnv({
      STDIO_COMMAND_ALLOWLIST: ' node , uvx ,',
      STDIO_ENABLED: 'TRUE',
      MCP_ALLOW_LOOPBACK: '1',
    });
    expect(config.mcp.stdioCommandAllowlist).toEqual(['node', 'uvx']);
    expect(config.mcp.stdioEnabled).toBe(true);
    expect(config.mcp.allowLoopback).toBe(true);
  });
});

describe('parseDatabaseUrl', () => {
  it('reads a MySQL URL and its database name', () => {
    expect(parseDatabaseUrl('mysql://u:p@h:3307/registry', true, 5)).toMatchObject({
      type: 'mysql',
      database: 'registry',
      poolSize: 5,
    });
  });

  it('accepts mariadb:// as MySQL', () => {
    expect(parseDatabaseUrl('mariadb://u@h/db', true, 1)).toMatchObject({
      type: 'mysql',
      url: 'mysql://u@h/db',
    });
  });

  it('refuses a MySQL URL without a database', () => {
    expect(() => parseDatabaseUrl('mysql://u@h/', true, 1)).toThrow(/DATABASE_URL/);
  });

  it('resolves SQLite paths and their folder', () => {
    const db = parseDatabaseUrl('sqlite:/tmp/x/y.sqlite', true, 1);
    expect(db).toMatchObject({ type: 'sqlite', path: '/tmp/x/y.sqlite', dataDir: '/tmp/x' });
  });
});
