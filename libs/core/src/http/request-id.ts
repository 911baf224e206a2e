import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_REQUEST_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Keeps a caller's safe X-Request-Id (≤ 64 chars of [A-Za-z0-9_.:-]); otherwise makes req_ + 24 hex. */
export function requestIdFor(req: IncomingMessage): string {
  const existing = (req as IncomingMessage & { id?: unknown }).id;
  if (typeof existing === 'string' && existing.length > 0) return existing;
  const incoming = req.headers['x-request-id'];
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  const id =
    candidate && SAFE_REQUEST_ID.test(candidate)
      ? candidate
      : `req_${randomBytes(12).toString('hex')}`;
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}
