import { ValidationError } from '@app/core';
import type { McpAuthType } from '@app/dal';
import { checkCredentials, McpCredentials } from '../shared/credentials/credentials.schema';

/**
 * Validates a configuration's `credentials` against the auth type they are for (the DTO pipe
 * cannot: on PATCH the auth type may come from the stored row) with the shared credentials
 * schema. Errors name the inner field, e.g. `credentials.token`, and never echo a value.
 *
 * Returns null for "no credentials" (auth_type none), undefined when none were sent and none
 * are required (API.md §3: a non-none auth_type without credentials is a 400 on create).
 */
export function parseCredentials(
  authType: McpAuthType,
  raw: Record<string, unknown> | null | undefined,
  options: { required: boolean },
): McpCredentials | null | undefined {
  if (authType !== 'none' && (raw === undefined || raw === null)) {
    if (!options.required) return undefined;
    throw ValidationError.field('credentials', `are required when auth_type is ${authType}`);
  }
  const { credentials, errors } = checkCredentials(authType, raw ?? {});
  if (errors.length > 0) throw new ValidationError(errors);
  // Checked without a kept placeholder, every field holds a validated value of its shape.
  return credentials as McpCredentials | null;
}
