import { isIP } from 'node:net';

/**
 * The building blocks of the configuration schema (app-config.ts): each `Setting` names the
 * environment variables it reads and turns them into one typed value, and `Infer` derives the
 * config type from a tree of settings, so a field is declared once (no interface beside it).
 *
 * Every failure is a ConfigValidationError naming the variable; the value itself is never
 * echoed, so a secret pasted into the wrong variable does not reach the console.
 */
export type Env = Record<string, string | undefined>;

export class ConfigValidationError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigValidationError';
  }
}

/** One leaf of the schema: the variables it reads and how it turns them into a value. */
export class Setting<T> {
  constructor(
    readonly variables: readonly string[],
    readonly read: (env: Env) => T,
  ) {}
}

export interface SchemaShape {
  readonly [key: string]: Setting<unknown> | SchemaShape;
}

/** The value type a schema produces (JSDoc of the schema's keys carries over to the fields). */
export type Infer<S> = S extends Setting<infer T> ? T : { -readonly [K in keyof S]: Infer<S[K]> };

/** Reads a schema, top to bottom: the first invalid variable stops with its error. */
export function readSchema<S extends SchemaShape>(schema: S, env: Env): Infer<S> {
  const values: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(schema)) {
    values[key] = entry instanceof Setting ? entry.read(env) : readSchema(entry, env);
  }
  return values as Infer<S>;
}

/** Every variable a schema reads, in order (docs tests check each is documented). */
export function variablesOf(schema: SchemaShape): string[] {
  return Object.values(schema).flatMap((entry) =>
    entry instanceof Setting ? [...entry.variables] : variablesOf(entry),
  );
}

/** An unset or blank variable counts as not given (so `X=` in .env keeps the default). */
export function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Variables of the process environment passed through as they are (e.g. PATH and HOME for a
 * stdio child): the host's, not settings, so they declare no variable for .env.example.
 */
export function inherited(names: readonly string[]): Setting<Readonly<Record<string, string>>> {
  return new Setting([], (env) => {
    const values: Record<string, string> = {};
    for (const name of names) {
      const value = env[name];
      if (value) values[name] = value;
    }
    return values;
  });
}

/** Combines other settings into one value (e.g. DATABASE_URL plus the pool variables). */
export function derived<S extends SchemaShape, T>(
  parts: S,
  build: (values: Infer<S>) => T,
): Setting<T> {
  return new Setting(variablesOf(parts), (env) => build(readSchema(parts, env)));
}

/** A string; with a rule, a value breaking it is refused with the rule's reason. */
export function optionalText(
  name: string,
  rule?: { test: (value: string) => boolean; reason: string },
): Setting<string | undefined> {
  return new Setting([name], (env) => {
    const value = raw(env, name);
    if (value !== undefined && rule !== undefined && !rule.test(value)) {
      throw new ConfigValidationError(name, rule.reason);
    }
    return value;
  });
}

export function text(name: string, fallback: string): Setting<string> {
  return new Setting([name], (env) => raw(env, name) ?? fallback);
}

export function int(name: string, fallback: number, min: number, max: number): Setting<number> {
  return new Setting([name], (env) => {
    const value = raw(env, name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new ConfigValidationError(name, `must be an integer from ${min} to ${max}`);
    }
    return Number(value);
  });
}

export function bool(name: string, fallback: boolean): Setting<boolean> {
  return new Setting([name], (env) => {
    const value = raw(env, name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    throw new ConfigValidationError(name, 'must be true or false');
  });
}

/** One of `allowed`; the fallback may depend on other raw variables (LOG_LEVEL on NODE_ENV). */
export function oneOf<const A extends readonly string[]>(
  name: string,
  allowed: A,
  fallback: A[number] | ((env: Env) => A[number]),
): Setting<A[number]> {
  return new Setting([name], (env) => {
    const value = raw(env, name);
    if (value === undefined) return typeof fallback === 'function' ? fallback(env) : fallback;
    if (!allowed.includes(value)) {
      throw new ConfigValidationError(name, `must be one of ${allowed.join(', ')}`);
    }
    return value;
  });
}

function items(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Bare command names (resolved on the service's PATH); a path could never match a command. */
export function commandNames(name: string, fallback: string[]): Setting<string[]> {
  return new Setting([name], (env) => {
    const value = raw(env, name);
    const names = value === undefined ? fallback : items(value);
    if (
      names.some(
        (item) => !/^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/.test(item) || item.includes('..'),
      )
    ) {
      throw new ConfigValidationError(
        name,
        'must list bare command names (no path), e.g. npx,node',
      );
    }
    return names;
  });
}

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

export function trustProxy(name: string): Setting<TrustProxy> {
  return new Setting([name], (env): TrustProxy => {
    const value = raw(env, name);
    if (value === undefined || value.toLowerCase() === 'false') return false;
    if (value.toLowerCase() === 'true') return true;
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops < 1 || hops > 32) throw new ConfigValidationError(name, 'hops must be from 1 to 32');
      return hops;
    }
    const proxies = items(value);
    if (proxies.some((item) => !TRUST_PROXY_RANGE_NAMES.includes(item) && !isAddressOrCidr(item))) {
      throw new ConfigValidationError(
        name,
        'must be true, false, a hop count, or a comma list of proxy addresses/CIDRs (or loopback, linklocal, uniquelocal)',
      );
    }
    return proxies;
  });
}
