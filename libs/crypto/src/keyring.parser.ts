import { randomBytes } from 'node:crypto';
import {
  ACTIVE_KEY_ID_VARIABLE,
  ENCRYPTION_KEYS_VARIABLE,
  KEY_BYTES,
  KEY_ID_PATTERN,
} from './crypto.constants';
import { Keyring } from './keyring';
import { KeyringConfigError } from './keyring-config.error';

const FORMAT_HINT = 'kid:base64key[,kid2:base64key2]';
// Standard or URL-safe alphabet, optional padding. Buffer.from silently skips stray characters,
// so the alphabet is checked first or a typo could still yield some 32-byte key.
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;

function decodeKey(encoded: string): Buffer | undefined {
  if (!BASE64_PATTERN.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, /[_-]/.test(encoded) ? 'base64url' : 'base64');
  // Re-encoding catches truncated input and non-zero padding bits, which Buffer.from accepts.
  const canonical = bytes.toString('base64url');
  return encoded.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') === canonical
    ? bytes
    : undefined;
}

/**
 * Parses CREDENTIALS_ENCRYPTION_KEYS / CREDENTIALS_ACTIVE_KEY_ID. Errors say which entry (by
 * position) is wrong and why, but only echo values that are valid key ids, never a key.
 */
export function parseKeyring(spec: string | undefined, activeKeyId: string | undefined): Keyring {
  const trimmed = spec?.trim() ?? '';
  if (trimmed === '') {
    throw new KeyringConfigError(ENCRYPTION_KEYS_VARIABLE, `is not set (expected ${FORMAT_HINT})`);
  }
  const entries: Array<[string, Buffer]> = [];
  const seen = new Set<string>();
  // Empty segments (a trailing comma, a blank between commas) are tolerated as harmless noise.
  const segments = trimmed
    .split(',')
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '');
  segments.forEach((segment, index) => {
    const position = `entry ${index + 1}`;
    const colon = segment.indexOf(':');
    if (colon < 0) {
      throw new KeyringConfigError(
        ENCRYPTION_KEYS_VARIABLE,
        `${position} is not in the form kid:base64key (expected ${FORMAT_HINT})`,
      );
    }
    const keyId = segment.slice(0, colon).trim();
    const encoded = segment.slice(colon + 1).trim();
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw new KeyringConfigError(
        ENCRYPTION_KEYS_VARIABLE,
        `${position} has an invalid key id (1 to 32 characters of A-Z, a-z, 0-9, _ or -)`,
      );
    }
    if (seen.has(keyId)) {
      throw new KeyringConfigError(
        ENCRYPTION_KEYS_VARIABLE,
        `lists key id ${keyId} more than once`,
      );
    }
    const key = decodeKey(encoded);
    if (key === undefined) {
      throw new KeyringConfigError(
        ENCRYPTION_KEYS_VARIABLE,
        `key ${keyId} is not valid base64 or base64url`,
      );
    }
    if (key.length !== KEY_BYTES) {
      throw new KeyringConfigError(
        ENCRYPTION_KEYS_VARIABLE,
        `key ${keyId} decodes to ${key.length} bytes, expected exactly ${KEY_BYTES}`,
      );
    }
    seen.add(keyId);
    entries.push([keyId, key]);
  });

  const active = activeKeyId?.trim() || undefined;
  let chosen: string;
  if (active === undefined) {
    if (entries.length !== 1) {
      throw new KeyringConfigError(
        ACTIVE_KEY_ID_VARIABLE,
        `is not set but ${ENCRYPTION_KEYS_VARIABLE} holds ${entries.length} keys; name the one to encrypt with`,
      );
    }
    chosen = entries[0][0];
  } else {
    if (!KEY_ID_PATTERN.test(active)) {
      // Not echoed: something that is not shaped like a key id may be a key pasted here.
      throw new KeyringConfigError(ACTIVE_KEY_ID_VARIABLE, 'is not a valid key id');
    }
    if (!seen.has(active)) {
      throw new KeyringConfigError(
        ACTIVE_KEY_ID_VARIABLE,
        `${active} does not name a key in ${ENCRYPTION_KEYS_VARIABLE} (known ids: ${[...seen].join(', ')})`,
      );
    }
    chosen = active;
  }
  const keyring = new Keyring(entries, chosen);
  // The decoded bytes now live only inside the keyring's KeyObjects.
  for (const [, key] of entries) key.fill(0);
  return keyring;
}

/** A fresh CREDENTIALS_ENCRYPTION_KEYS entry, for docs, scripts and the dev key file. */
export function generateKeySpec(keyId: string): string {
  if (!KEY_ID_PATTERN.test(keyId)) {
    throw new KeyringConfigError(
      ENCRYPTION_KEYS_VARIABLE,
      'key id must be 1 to 32 characters of A-Z, a-z, 0-9, _ or -',
    );
  }
  return `${keyId}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
