import { ValidationError } from '@app/core';
import type { VersionPosition } from '@app/dal';

const NOT_A_CURSOR = 'is not a cursor returned by a previous page';

/**
 * The catalog's cursor: the (organization, name key, version) of the last entry of a page, opaque
 * to clients (base64url JSON). The catalog pages in that order, the rows' primary key, so pages
 * never overlap nor skip an entry, whatever is written in between.
 */
export function encodeOfficialCursor(position: VersionPosition): string {
  const parts = [position.organizationId, position.aliasKey, position.version];
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The position a cursor names; absent or empty is the first page, anything else a 400. */
export function decodeOfficialCursor(cursor: string | undefined): VersionPosition | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw ValidationError.field('cursor', NOT_A_CURSOR);
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    parsed.every((part) => typeof part === 'string' && part.length <= 128)
  ) {
    const [organizationId, aliasKey, version] = parsed as string[];
    return { organizationId, aliasKey, version };
  }
  throw ValidationError.field('cursor', NOT_A_CURSOR);
}
