import { decodeCursorParts, encodeCursorParts } from '@app/core';
import type { VersionPosition } from '@app/dal';

/**
 * The catalog's cursor: the (organization, name key, version) of the last entry of a page, opaque
 * to clients (base64url JSON). The catalog pages in that order, the rows' primary key, so pages
 * never overlap nor skip an entry, whatever is written in between.
 */
export function encodeOfficialCursor(position: VersionPosition): string {
  return encodeCursorParts([position.organizationId, position.aliasKey, position.version]);
}

/** The position a cursor names; absent or empty is the first page, anything else a 400. */
export function decodeOfficialCursor(cursor: string | undefined): VersionPosition | undefined {
  const parts = decodeCursorParts(cursor, 3, 128);
  if (parts === undefined) return undefined;
  const [organizationId, aliasKey, version] = parts;
  return { organizationId, aliasKey, version };
}
