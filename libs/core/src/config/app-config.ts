import {
  bool,
  commandNames,
  ConfigValidationError,
  derived,
  inherited,
  Env,
  Infer,
  int,
  oneOf,
  optionalText,
  raw,
  readSchema,
  text,
  trustProxy,
} from './config-schema';
import { parseDatabaseUrl } from './database-url';

export { ConfigValidationError, variablesOf } from './config-schema';
export type { Env, TrustProxy } from './config-schema';
export * from './database-url';

const MiB = 1024 * 1024;

export const TOOL_DRIFT_POLICIES = ['withhold', 'flag'] as const;

/**
 * The whole runtime configuration: every environment variable, its default, bounds and error,
 * declared once. `AppConfig` is inferred from it, and `parseEnv` reads it top to bottom at boot.
 *
 * Adding a variable is one entry here, e.g. `fooTimeoutMs: int('FOO_TIMEOUT_MS', 5_000, 0,
 * 60_000)` under the section that uses it (readers: int, bool, oneOf, text, optionalText,
 * commandNames, trustProxy, derived, in config-schema.ts); the type follows. Then document it in
 * .env.example (app-config.spec.ts fails while it is missing there) and, if operators need it,
 * the README "Configuration" table. A rule across variables goes to CROSS_CHECKS below; those
 * run after every variable passed on its own.
 */
export const APP_CONFIG_SCHEMA = {
  nodeEnv: oneOf('NODE_ENV', ['development', 'production', 'test'], 'development'),
  database: derived(
    {
      url: optionalText('DATABASE_URL'),
      migrationsRun: bool('DB_MIGRATIONS_RUN', true),
      poolSize: int('DB_POOL_SIZE', 10, 1, 200),
      queryTimeoutMs: int('DB_QUERY_TIMEOUT_MS', 5_000, 100, 600_000),
      poolQueueLimit: int('DB_POOL_QUEUE_LIMIT', 200, 1, 100_000),
    },
    ({ url, migrationsRun, poolSize, ...limits }) =>
      parseDatabaseUrl(url, migrationsRun, poolSize, limits),
  ),
  port: int('PORT', 3000, 0, 65535),
  host: text('HOST', '0.0.0.0'),
  logLevel: oneOf(
    'LOG_LEVEL',
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    (env: Env) => (raw(env, 'NODE_ENV') === 'test' ? 'warn' : 'info'),
  ),
  bodyLimitBytes: int('BODY_LIMIT_BYTES', 1 * MiB, 1024, 64 * MiB),
  /** Time a client has to send a whole request (headers and body); 0 turns it off. */
  requestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 0, 600_000),
  /** Fastify `trustProxy`: whose X-Forwarded-For decides the client IP (rate limits by IP). */
  trustProxy: trustProxy('TRUST_PROXY'),
  shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
  auth: {
    apiKeyPepper: optionalText('API_KEY_PEPPER', {
      test: (value) => value.length >= 16,
      reason: 'must be at least 16 characters',
    }),
    bootstrapAdminKey: optionalText('BOOTSTRAP_ADMIN_KEY', {
      test: (value) => /^ak_[A-Za-z0-9_-]{20,128}$/.test(value),
      reason: 'must look like ak_ followed by 20 to 128 URL-safe characters',
    }),
    keyCacheTtlMs: int('API_KEY_CACHE_TTL_MS', 5_000, 0, 3_600_000),
    keyCacheMax: int('API_KEY_CACHE_MAX', 10_000, 1, 10_000_000),
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 6_000, 0, 10_000_000),
  },
  registry: {
    /** Rendered list pages kept per process; 0 turns the list cache off. */
    listCacheMax: int('REGISTRY_LIST_CACHE_MAX', 256, 0, 100_000),
    /** Upper bound on a cached page's age (covers writes made outside the app); 0 turns it off. */
    listCacheTtlMs: int('REGISTRY_LIST_CACHE_TTL_MS', 60_000, 0, 86_400_000),
  },
  crypto: {
    encryptionKeys: optionalText('CREDENTIALS_ENCRYPTION_KEYS'),
    activeKeyId: optionalText('CREDENTIALS_ACTIVE_KEY_ID'),
  },
  mcp: {
    stdioEnabled: bool('STDIO_ENABLED', false),
    stdioCommandAllowlist: commandNames('STDIO_COMMAND_ALLOWLIST', [
      'npx',
      'node',
      'uvx',
      'python3',
    ]),
    /** All a stdio child inherits from us: never the rest, which holds the registry's secrets. */
    stdioBaseEnv: inherited(['PATH', 'HOME']),
    allowLoopback: bool('MCP_ALLOW_LOOPBACK', false),
    denyPrivateNetworks: bool('MCP_DENY_PRIVATE_NETWORKS', false),
    caFile: optionalText('MCP_CA_FILE'),
    /** What one probe reads at most: per message (body, SSE event, stdio line), in all, count. */
    probeMaxMessageBytes: int('PROBE_MAX_MESSAGE_BYTES', 4 * MiB, 1024, 1024 * MiB),
    probeMaxTotalBytes: int('PROBE_MAX_TOTAL_BYTES', 8 * MiB, 1024, 4096 * MiB),
    probeMaxMessages: int('PROBE_MAX_MESSAGES', 500, 10, 1_000_000),
  },
  health: {
    timeoutMs: int('HEALTH_CHECK_TIMEOUT_MS', 10_000, 100, 600_000),
    intervalS: int('HEALTH_CHECK_INTERVAL_S', 60, 1, 86_400),
    concurrency: int('HEALTH_CHECK_CONCURRENCY', 10, 1, 1_000),
    workerEnabled: bool('HEALTH_WORKER_ENABLED', true),
  },
  /** Tool baselines and drift (README "Tool baselines and drift"). */
  tools: {
    /** Record the first successful listing as the baseline of a server without one. */
    baselineAuto: bool('TOOL_BASELINE_AUTO', true),
    /** What `/tools` does with an allowed tool that differs from the baseline. */
    driftPolicy: oneOf('TOOL_DRIFT_POLICY', TOOL_DRIFT_POLICIES, 'withhold'),
  },
  metricsPublic: bool('METRICS_PUBLIC', false),
  events: {
    /** Events (and webhook delivery attempts) older than this are pruned; the feed then says 410. */
    retentionDays: int('EVENTS_RETENTION_DAYS', 7, 1, 3650),
    /** How often pruning runs (in every process that delivers webhooks). */
    pruneIntervalMs: int('EVENTS_PRUNE_INTERVAL_MS', 3_600_000, 100, 86_400_000),
    /** How often other replicas' commits are looked for (long-poll waiters, deliverers). */
    pollMs: int('EVENTS_POLL_MS', 500, 10, 60_000),
  },
  webhooks: {
    /** Deliver webhooks from the API process too (the health worker always does). */
    workerEnabled: bool('WEBHOOK_WORKER_ENABLED', true),
    /** One delivery: connect, send, answer (a receiver slower than this failed). */
    timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    /** Attempts of one event before the subscription is disabled. */
    maxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 10, 1, 100),
    /** Wait after the first failure; each further failure triples it (±20% jitter), up to the max. */
    backoffBaseMs: int('WEBHOOK_BACKOFF_BASE_MS', 10_000, 10, 86_400_000),
    backoffMaxMs: int('WEBHOOK_BACKOFF_MAX_MS', 43_200_000, 10, 604_800_000),
    /** Subscriptions delivering at once per process. */
    concurrency: int('WEBHOOK_CONCURRENCY', 10, 1, 1_000),
  },
};

/** `withhold`: a drifted allowed tool is left out of `/tools` (and named); `flag`: served, marked. */
export type ToolDriftPolicy = AppConfig['tools']['driftPolicy'];

/** The whole runtime configuration, read once at boot from the environment and validated. */
export type AppConfig = Infer<typeof APP_CONFIG_SCHEMA>;

/** Rules across variables, checked after every variable is valid on its own. */
const CROSS_CHECKS: ReadonlyArray<(config: AppConfig) => void> = [
  ({ nodeEnv, auth, database }) => {
    if (nodeEnv === 'production' && auth.apiKeyPepper === undefined && database.type === 'mysql') {
      throw new ConfigValidationError('API_KEY_PEPPER', 'is required when NODE_ENV=production');
    }
  },
  ({ mcp }) => {
    if (mcp.probeMaxTotalBytes < mcp.probeMaxMessageBytes) {
      throw new ConfigValidationError(
        'PROBE_MAX_TOTAL_BYTES',
        'must be at least PROBE_MAX_MESSAGE_BYTES',
      );
    }
  },
];

export function parseEnv(env: Env): AppConfig {
  const config = readSchema(APP_CONFIG_SCHEMA, env);
  for (const check of CROSS_CHECKS) check(config);
  return config;
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
