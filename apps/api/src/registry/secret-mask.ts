import { FieldError, ValidationError } from '@app/core';
import type { SecretDestination } from '../shared/secret-destination';

/** What responses show in place of every secret value; sent back, it means "keep the stored one". */
export const SECRET_MASK = '****';

export function maskKeys(keys: readonly string[]): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const key of keys) masked[key] = SECRET_MASK;
  return masked;
}

export function containsMask(values: Record<string, unknown> | null): boolean {
  return values !== null && Object.values(values).some((value) => value === SECRET_MASK);
}

/** `prefix.key` of every value sent as the mask, e.g. `env.API_TOKEN`, `credentials.password`. */
export function maskedFields(values: Record<string, unknown> | null, prefix: string): string[] {
  return Object.entries(values ?? {})
    .filter(([, value]) => value === SECRET_MASK)
    .map(([key]) => `${prefix}.${key}`);
}

/**
 * Where a registry server's secrets go: credentials to its URL's origin over its transport, env
 * to its stdio command. `http` and `streamable_http` are one transport; a network server's
 * command and a stdio server's url are never used, so they do not count.
 */
export function serverSecretDestination(server: {
  transport: string;
  url: string | null;
  command: string | null;
  authType: string;
}): SecretDestination {
  const stdio = server.transport === 'stdio';
  return {
    transport: server.transport === 'http' ? 'streamable_http' : server.transport,
    url: stdio ? null : server.url,
    command: stdio ? server.command : null,
    authType: server.authType,
  };
}

/**
 * Replaces every masked value with the stored value of the same key, so a client can GET, edit
 * one field and PUT without wiping secrets. A mask with nothing stored behind it is a 400.
 */
export function restoreMasked<T extends Record<string, unknown>>(
  incoming: T,
  stored: Record<string, unknown> | null,
  fieldPrefix: string,
): T {
  const restored: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(incoming)) {
    if (value !== SECRET_MASK) {
      restored[key] = value;
    } else if (stored !== null && Object.prototype.hasOwnProperty.call(stored, key)) {
      restored[key] = stored[key];
    } else {
      errors.push({
        field: `${fieldPrefix}.${key}`,
        message: `is "${SECRET_MASK}" but no value is stored for it`,
      });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return restored as T;
}
