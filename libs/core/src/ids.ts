import { randomBytes, randomUUID } from 'node:crypto';

export type IdPrefix = 'org' | 'usr' | 'key' | 'mcp' | 'team' | 'evt' | 'ev' | 'whk' | 'dlv';

/** `prefix_` + 32 lowercase hex characters (128 random bits). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

export function newUuid(): string {
  return randomUUID();
}

export const ORGANIZATION_ID_PATTERN = /^org_[A-Za-z0-9]{3,64}$/;
export const USER_ID_PATTERN = /^usr_[A-Za-z0-9]{3,64}$/;
