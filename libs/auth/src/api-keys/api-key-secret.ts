import { randomBytes } from 'node:crypto';

/** `ak_` + URL-safe characters; the same shape BOOTSTRAP_ADMIN_KEY is validated against. */
export const API_KEY_SECRET_PATTERN = /^ak_[A-Za-z0-9_-]{20,128}$/;

/** How much of a secret is kept in clear for display: `ak_` + 8 characters. */
export const API_KEY_PREFIX_LENGTH = 11;

/** A new secret: `ak_` + 40 URL-safe characters (240 random bits). */
export function generateApiKeySecret(): string {
  return `ak_${randomBytes(30).toString('base64url')}`;
}

export function apiKeyPrefixOf(secret: string): string {
  return secret.slice(0, API_KEY_PREFIX_LENGTH);
}
