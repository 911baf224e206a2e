import { createHash } from 'node:crypto';

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 22);
}

/**
 * A server's ETag: its write version plus a digest of the exact body sent, so health results,
 * team changes and the reader's role all change it; If-Match compares only the version.
 */
export function serverEtag(version: number, body: string): string {
  return `"v${version}.${digest(body)}"`;
}

/** A list page's ETag: a digest of the body and the paging headers sent with it. */
export function listEtag(body: string, nextCursor: string | null, total: number | null): string {
  return `"l.${digest(`${body}\n${nextCursor ?? ''}\n${total ?? ''}`)}"`;
}

function tagsOf(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/** RFC 9110 weak comparison, as If-None-Match uses. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = etag.replace(/^W\//, '');
  return tagsOf(header).some((tag) => tag === '*' || tag.replace(/^W\//, '') === opaque);
}

/** What an If-Match header allows: any current version ("*"), or the versions its tags name. */
export type IfMatch = { any: true } | { versions: number[] };

export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const tags = tagsOf(header);
  if (tags.includes('*')) return { any: true };
  const versions: number[] = [];
  for (const tag of tags) {
    // Weak tags never match for If-Match (RFC 9110 strong comparison).
    const match = /^"v(\d{1,9})\.[A-Za-z0-9_-]+"$/.exec(tag);
    if (match) versions.push(Number(match[1]));
  }
  return { versions };
}

export function ifMatchAllows(condition: IfMatch, version: number): boolean {
  return 'any' in condition || condition.versions.includes(version);
}
