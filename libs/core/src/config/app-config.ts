import { isIP } from 'node:net';
import * as path from 'node:path';

/** The whole runtime configuration, read once at boot from the environment and validated. */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  /** Time a client has to send a whole request (headers and body); 0 turns it off. */
  requestTimeoutMs: number;
  /** Fastify `trustProxy`: whose X-Forwarded-For decides the client IP (rate limits by IP). */
  trustProxy: TrustProxy;
  shutdownTimeoutMs: number;
  database: DatabaseConfig;
  auth: {
    bootstrapAdminKey: string | undefined;
    apiKeyPepper: string | undefined;
    keyCacheTtlMs: number;
    keyCacheMax: number;
    rateLimitPerMinute: number;
  };
  registry: {
    /** Rendered list pages kept per process; 0 turns the list cache off. */
    listCacheMax: number;
    /** Upper bound on a cached page's age (covers writes made outside the app); 0 turns it off. */
    listCacheTtlMs: number;
  };
  crypto: {
    encryptionKeys: string | undefined;
    activeKeyId: string | undefined;
  };
  mcp: {
    stdioEnabled: boolean;
    stdioCommandAllowlist: string[];
    allowLoopback: boolean;
    denyPrivateNetworks: boolean;
    caFile: string | undefined;
    /** What one probe reads at most: per message (body, SSE event, stdio line), in all, count. */
    probeMaxMessageBytes: number;
    probeMaxTotalBytes: number;
    probeMaxMessages: number;
  };
  health: {
    timeoutMs: number;
    intervalS: number;
    concurrency: number;
    workerEnabled: boolean;
  };
  /** Tool baselines and drift (README "Tool baselines and drift"). */
  tools: {
    /** Record the first successful probe's tools as the baseline of a server without one. */
    baselineAuto: boolean;
    /** What `/tools` does with an allowed tool that differs from the baseline. */
    driftPolicy: ToolDriftPolicy;
  };
  metricsPublic: boolean;
}

/** `withhold`: a drifted allowed tool is left out of `/tools` (and named); `flag`: served, marked. */
export const TOOL_DRIFT_POLICIES = ['withhold', 'flag'] as const;
export type ToolDriftPolicy = (typeof TOOL_DRIFT_POLICIES)[number];

/** Bounds on database work, so a hung or saturated database answers 503 instead of waiting. */
export interface DatabaseLimits {
  /** Deadline of one query, or of one transaction from its start to its COMMIT (ms). */
  queryTimeoutMs: number;
  /** Requests allowed to wait for a pool connection (MySQL) or the write turn (SQLite). */
  poolQueueLimit: number;
}

export const DEFAULT_DATABASE_LIMITS: DatabaseLimits = {
  queryTimeoutMs: 5_000,
  poolQueueLimit: 200,
};

export type DatabaseConfig = DatabaseLimits &
  (
    | { type: 'sqlite'; path: string; dataDir: string; migrationsRun: boolean; poolSize: number }
    | { type: 'mysql'; url: string; database: string; migrationsRun: boolean; poolSize: number }
  );

export class ConfigValidationError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigValidationError';
  }
}

type Env = Record<string, string | undefined>;

/** false: the socket's peer is the client; true: any proxy; n: n hops; a list: those proxies. */
export type TrustProxy = boolean | number | string[];

/** proxy-addr's names for address ranges. */
const TRUST_PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrCidr(item: string): boolean {
  const slash = item.indexOf('/');
  const address = slash === -1 ? item : item.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash === -1) return true;
  const prefix = item.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

function trustProxy(env: Env, name: string): TrustProxy {
  const value = raw(env, name);
  if (value === undefined || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 32) throw new ConfigValidationError(name, 'hops must be from 1 to 32');
    return hops;
  }
  const items = list(env, name, []);
  if (items.some((item) => !TRUST_PROXY_RANGE_NAMES.includes(item) && !isAddressOrCidr(item))) {
    throw new ConfigValidationError(
      name,
      'must be true, false, a hop count, or a comma list of proxy addresses/CIDRs (or loopback, linklocal, uniquelocal)',
    );
  }
  return items;
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    // The value itself is not echoed: a misplaced secret must not reach the console.
    throw new ConfigValidationError(name, `must be an integer from ${min} to ${max}`);
  }
  return Number(value);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigValidationError(name, 'must be true or false');
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigValidationError(name, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function list(env: Env, name: string, fallback: string[]): string[] {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Bare command names (resolved on the service's PATH); a path could never match a command. */
function commandNames(env: Env, name: string, fallback: string[]): string[] {
  const names = list(env, name, fallback);
  if (
    names.some((item) => !/^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/.test(item) || item.includes('..'))
  ) {
    throw new ConfigValidationError(name, 'must list bare command names (no path), e.g. npx,node');
  }
  return names;
}

export const DEFAULT_SQLITE_PATH = './data/mcp-registry.sqlite';

export function parseDatabaseUrl(
  value: string | undefined,
  migrationsRun: boolean,
  poolSize: number,
  limits: DatabaseLimits = DEFAULT_DATABASE_LIMITS,
): DatabaseConfig {
  const url = value ?? `sqlite:${DEFAULT_SQLITE_PATH}`;
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file.length === 0) throw new ConfigValidationError('DATABASE_URL', 'names no SQLite file');
    const resolved = file === ':memory:' ? file : path.resolve(file);
    return {
      type: 'sqlite',
      path: resolved,
      dataDir: file === ':memory:' ? path.resolve('data') : path.dirname(resolved),
      migrationsRun,
      poolSize,
      ...limits,
    };
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigValidationError('DATABASE_URL', 'is not a valid mysql:// URL');
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!/^[A-Za-z0-9_$-]{1,64}$/.test(database)) {
      throw new ConfigValidationError(
        'DATABASE_URL',
        'must name a database (mysql://user:pass@host:port/db)',
      );
    }
    return {
      type: 'mysql',
      url: url.replace(/^mariadb:/, 'mysql:'),
      database,
      migrationsRun,
      poolSize,
      ...limits,
    };
  }
  throw new ConfigValidationError('DATABASE_URL', 'must start with mysql:// or sqlite:');
}

export function parseEnv(env: Env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', 'development', [
    'development',
    'production',
    'test',
  ] as const);
  const migrationsRun = bool(env, 'DB_MIGRATIONS_RUN', true);
  const poolSize = int(env, 'DB_POOL_SIZE', 10, 1, 200);
  const database = parseDatabaseUrl(raw(env, 'DATABASE_URL'), migrationsRun, poolSize, {
    queryTimeoutMs: int(env, 'DB_QUERY_TIMEOUT_MS', 5_000, 100, 600_000),
    poolQueueLimit: int(env, 'DB_POOL_QUEUE_LIMIT', 200, 1, 100_000),
  });
  const apiKeyPepper = raw(env, 'API_KEY_PEPPER');
  if (apiKeyPepper !== undefined && apiKeyPepper.length < 16) {
    throw new ConfigValidationError('API_KEY_PEPPER', 'must be at least 16 characters');
  }
  if (nodeEnv === 'production' && apiKeyPepper === undefined && database.type === 'mysql') {
    throw new ConfigValidationError('API_KEY_PEPPER', 'is required when NODE_ENV=production');
  }
  const bootstrapAdminKey = raw(env, 'BOOTSTRAP_ADMIN_KEY');
  if (bootstrapAdminKey !== undefined && !/^ak_[A-Za-z0-9_-]{20,128}$/.test(bootstrapAdminKey)) {
    throw new ConfigValidationError(
      'BOOTSTRAP_ADMIN_KEY',
      'must look like ak_ followed by 20 to 128 URL-safe characters',
    );
  }
  return {
    nodeEnv,
    port: int(env, 'PORT', 3000, 0, 65535),
    host: raw(env, 'HOST') ?? '0.0.0.0',
    logLevel: oneOf(env, 'LOG_LEVEL', nodeEnv === 'test' ? 'warn' : 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    requestTimeoutMs: int(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 0, 600_000),
    trustProxy: trustProxy(env, 'TRUST_PROXY'),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    database,
    auth: {
      bootstrapAdminKey,
      apiKeyPepper,
      keyCacheTtlMs: int(env, 'API_KEY_CACHE_TTL_MS', 5_000, 0, 3_600_000),
      keyCacheMax: int(env, 'API_KEY_CACHE_MAX', 10_000, 1, 10_000_000),
      rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 6_000, 0, 10_000_000),
    },
    registry: {
      listCacheMax: int(env, 'REGISTRY_LIST_CACHE_MAX', 256, 0, 100_000),
      listCacheTtlMs: int(env, 'REGISTRY_LIST_CACHE_TTL_MS', 60_000, 0, 86_400_000),
    },
    crypto: {
      encryptionKeys: raw(env, 'CREDENTIALS_ENCRYPTION_KEYS'),
      activeKeyId: raw(env, 'CREDENTIALS_ACTIVE_KEY_ID'),
    },
    mcp: {
      stdioEnabled: bool(env, 'STDIO_ENABLED', false),
      stdioCommandAllowlist: commandNames(env, 'STDIO_COMMAND_ALLOWLIST', [
        'npx',
        'node',
        'uvx',
        'python3',
      ]),
      allowLoopback: bool(env, 'MCP_ALLOW_LOOPBACK', false),
      denyPrivateNetworks: bool(env, 'MCP_DENY_PRIVATE_NETWORKS', false),
      caFile: raw(env, 'MCP_CA_FILE'),
      ...probeLimits(env),
    },
    health: {
      timeoutMs: int(env, 'HEALTH_CHECK_TIMEOUT_MS', 10_000, 100, 600_000),
      intervalS: int(env, 'HEALTH_CHECK_INTERVAL_S', 60, 1, 86_400),
      concurrency: int(env, 'HEALTH_CHECK_CONCURRENCY', 10, 1, 1_000),
      workerEnabled: bool(env, 'HEALTH_WORKER_ENABLED', true),
    },
    tools: {
      baselineAuto: bool(env, 'TOOL_BASELINE_AUTO', true),
      driftPolicy: oneOf(env, 'TOOL_DRIFT_POLICY', 'withhold', TOOL_DRIFT_POLICIES),
    },
    metricsPublic: bool(env, 'METRICS_PUBLIC', false),
  };
}

function probeLimits(
  env: Env,
): Pick<AppConfig['mcp'], 'probeMaxMessageBytes' | 'probeMaxTotalBytes' | 'probeMaxMessages'> {
  const MiB = 1024 * 1024;
  const probeMaxMessageBytes = int(env, 'PROBE_MAX_MESSAGE_BYTES', 4 * MiB, 1024, 1024 * MiB);
  const probeMaxTotalBytes = int(env, 'PROBE_MAX_TOTAL_BYTES', 8 * MiB, 1024, 4096 * MiB);
  if (probeMaxTotalBytes < probeMaxMessageBytes) {
    throw new ConfigValidationError(
      'PROBE_MAX_TOTAL_BYTES',
      'must be at least PROBE_MAX_MESSAGE_BYTES',
    );
  }
  return {
    probeMaxMessageBytes,
    probeMaxTotalBytes,
    probeMaxMessages: int(env, 'PROBE_MAX_MESSAGES', 500, 10, 1_000_000),
  };
}

/** For command-line entry points outside Nest (migrations CLI, secret rotation). */
export function loadConfigFromEnvironment(): AppConfig {
  try {
    process.loadEnvFile();
  } catch {
    // no .env file: the real environment alone decides
  }
  return parseEnv(process.env);
}
