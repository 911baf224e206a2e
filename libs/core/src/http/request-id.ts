import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_REQUEST_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const ID_BYTES = 12;
/** Random bytes drawn in bulk: one system call per 341 ids instead of one per request. */
const POOL_BYTES = ID_BYTES * 341;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomId(): string {
  if (poolOffset + ID_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const id = pool.toString('hex', poolOffset, poolOffset + ID_BYTES);
  poolOffset += ID_BYTES;
  return id;
}

/** A fresh `req_` + 24 hex id, for answers given before there is a request to read one from. */
export function newRequestId(): string {
  return `req_${randomId()}`;
}

/** Keeps a caller's safe X-Request-Id (≤ 64 chars of [A-Za-z0-9_.:-]); otherwise makes req_ + 24 hex. */
export function requestIdFor(req: IncomingMessage): string {
  const existing = (req as IncomingMessage & { id?: unknown }).id;
  if (typeof existing === 'string' && existing.length > 0) return existing;
  const incoming = req.headers['x-request-id'];
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  const id = candidate && SAFE_REQUEST_ID.test(candidate) ? candidate : newRequestId();
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}
