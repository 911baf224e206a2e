import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/**
 * Conditional requests for the resources with a write version (registry servers, custom
 * configurations): ETags, If-None-Match (304) and If-Match (412), rendered at the controller edge.
 */

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 22);
}

/**
 * A resource's ETag: its write version plus a digest of the exact body sent, so what changes the
 * body without a write (health results, team changes, the reader's role) changes it too;
 * If-Match compares only the version.
 */
export function versionEtag(version: number, body: string): string {
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

/** Sends a JSON body serialized by the caller with its ETag (the answer of a write). */
export function sendWithEtag(reply: FastifyReply, body: string, etag: string): string {
  reply.header('etag', etag);
  reply.header('content-type', JSON_CONTENT_TYPE);
  return body;
}

/** Sends `body` with its ETag, or an empty 304 when the client already holds it. */
export function sendCacheable<T extends string | Buffer>(
  reply: FastifyReply,
  body: T,
  etag: string,
  ifNoneMatch: string | undefined,
): T | undefined {
  reply.header('etag', etag);
  reply.header('cache-control', 'private, no-cache');
  if (matchesIfNoneMatch(ifNoneMatch, etag)) {
    reply.status(304);
    return undefined;
  }
  reply.header('content-type', JSON_CONTENT_TYPE);
  return body;
}
