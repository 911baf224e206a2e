import { randomBytes } from 'node:crypto';
import { parseKeyring } from './keyring.parser';
import type { SecretAad } from './secret-aad.interface';
import { SecretBox } from './secret-box';
import { SecretDecryptionError } from './secret-decryption.error';
import {
  EncryptionKeyNotConfiguredError,
  UnknownEncryptionKeyError,
} from './unknown-encryption-key.error';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const aad: SecretAad = { resourceType: 'server', resourceId: 'srv-1', organizationId: 'org-1' };
const secret = 'Bearer sk_live_0123456789abcdef';

function decryptionError(fn: () => unknown): SecretDecryptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretDecryptionError);
    return error as SecretDecryptionError;
  }
  throw new Error('expected a SecretDecryptionError');
}

/** Replaces one base64url segment of a sealed value after flipping a bit in its bytes. */
function flipBit(sealed: string, segment: number, byte = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[segment], 'base64url');
  bytes[byte] ^= 0x01;
  parts[segment] = bytes.toString('base64url');
  return parts.join('.');
}

describe('SecretBox', () => {
  const box = new SecretBox(parseKeyring(k1, undefined));

  it('round-trips strings, including empty and non-ASCII ones', () => {
    for (const value of [secret, '', 'héllo wörld ✓ 🔑', 'x'.repeat(10_000)]) {
      expect(box.open(box.seal(value, aad), aad)).toBe(value);
    }
  });

  it('round-trips JSON values', () => {
    const value = { headers: { Authorization: 'Bearer t' }, env: ['A=1'], n: 3, ok: true };
    const sealed = box.sealJson(value, aad);
    expect(box.openJson<typeof value>(sealed, aad)).toEqual(value);
    expect(box.openJson(box.sealJson(null, aad), aad)).toBeNull();
    expect(() => box.sealJson(undefined, aad)).toThrow(TypeError);
  });

  it('produces a compact ASCII value that names the version and key and hides the plaintext', () => {
    const sealed = box.seal(secret, aad);
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain('sk_live');
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64url').slice(0, 12));
    expect(box.keyIdOf(sealed)).toBe('k1');
  });

  it('uses a fresh IV for every seal', () => {
    const values = Array.from({ length: 20 }, () => box.seal(secret, aad));
    expect(new Set(values.map((value) => value.split('.')[2])).size).toBe(20);
    expect(new Set(values).size).toBe(20);
  });

  it.each([
    ['another resource id', { ...aad, resourceId: 'srv-2' }],
    ['another organization', { ...aad, organizationId: 'org-2' }],
    ['another resource type', { ...aad, resourceType: 'credential' }],
    // Fields are encoded unambiguously, so shifting a separator between them does not collide.
    ['shifted fields', { resourceType: 'server|srv-1', resourceId: 'org-1', organizationId: 'x' }],
  ])('refuses to open a value copied to %s', (_name, other) => {
    const sealed = box.seal(secret, aad);
    const error = decryptionError(() => box.open(sealed, other));
    expect(error.reason).toBe('authentication-failed');
    expect(error.message).toBe('stored secret could not be decrypted (key id k1)');
  });

  it.each([
    ['iv', 2, 0],
    ['ciphertext', 3, 0],
    ['ciphertext (last byte)', 3, secret.length - 1],
    ['tag', 4, 15],
  ])('detects a tampered %s', (_name, segment, byte) => {
    const tampered = flipBit(box.seal(secret, aad), segment, byte);
    expect(decryptionError(() => box.open(tampered, aad)).reason).toBe('authentication-failed');
  });

  it('detects a truncated ciphertext and a non-canonical encoding', () => {
    const parts = box.seal(secret, aad).split('.');
    const truncated = [...parts.slice(0, 3), parts[3].slice(0, -2), parts[4]].join('.');
    expect(() => box.open(truncated, aad)).toThrow(SecretDecryptionError);
    // The tag's last character carries 4 unused bits; changing them must not be accepted.
    const tag = parts[4];
    const last = tag[tag.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 0x01];
    const edited = [...parts.slice(0, 4), tag.slice(0, -1) + sibling].join('.');
    expect(decryptionError(() => box.open(edited, aad)).reason).toBe('malformed');
  });

  it('rejects an unknown key id', () => {
    const other = new SecretBox(parseKeyring(k2, undefined));
    const error = decryptionError(() => other.open(box.seal(secret, aad), aad));
    expect(error.reason).toBe('unknown-key');
    expect(error.keyId).toBe('k1');
    expect(error.message).toBe('stored secret could not be decrypted (unknown key id k1)');
  });

  it('turns an unknown key into a 503 naming it, reported once per key id and kept for readiness', () => {
    const reported: string[] = [];
    const other = new SecretBox(parseKeyring(k2, undefined), {
      onUnknownKey: (keyId) => reported.push(keyId),
    });
    const sealed = box.seal(secret, aad);
    const error = decryptionError(() => other.open(sealed, aad));
    expect(error).toBeInstanceOf(UnknownEncryptionKeyError);
    const appError = (error as UnknownEncryptionKeyError).toAppError();
    expect(appError).toBeInstanceOf(EncryptionKeyNotConfiguredError);
    expect(appError.status).toBe(503);
    expect(appError.code).toBe('SERVICE_UNAVAILABLE');
    expect(appError.message).toContain('encryption key k1 is not configured on this instance');
    decryptionError(() => other.openJson(sealed, aad));
    decryptionError(() => other.reseal(sealed, aad));
    expect(reported).toEqual(['k1']);
    expect(other.unknownKeyIdsSeen).toEqual(['k1']);
    expect(other.knownKeyIds).toEqual(['k2']);
    expect(box.unknownKeyIdsSeen).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['plaintext', secret],
    ['wrong version', box.seal(secret, aad).replace(/^v1/, 'v2')],
    ['missing part', box.seal(secret, aad).split('.').slice(0, 4).join('.')],
    ['extra part', `${box.seal(secret, aad)}.AA`],
    ['bad key id', box.seal(secret, aad).replace('.k1.', '.k!.')],
    ['short iv', box.seal(secret, aad).replace(/^(v1\.k1\.)[^.]{4}/, '$1')],
    ['bad characters', box.seal(secret, aad).replace(/\.([^.]+)$/, '.+/+/+/+/+/+/+/+/+/+/+/')],
  ])('rejects a malformed value (%s)', (_name, value) => {
    const error = decryptionError(() => box.open(value, aad));
    expect(error.reason).toBe('malformed');
    expect(error.message).not.toContain(secret);
    expect(box.isSealedWithActiveKey(value)).toBe(false);
  });

  it('never puts the plaintext in errors, even when openJson meets non-JSON', () => {
    const sealed = box.seal(secret, aad);
    const error = decryptionError(() => box.openJson(sealed, aad));
    expect(error.message).not.toContain('Bearer');
    expect(error.message).not.toContain('sk_live');
  });

  it('rejects AAD fields that are not non-empty strings', () => {
    expect(() => box.seal(secret, { ...aad, resourceId: 42 as unknown as string })).toThrow(
      TypeError,
    );
    expect(() => box.seal(secret, { ...aad, organizationId: '' })).toThrow(TypeError);
  });

  describe('key rotation', () => {
    const oldBox = new SecretBox(parseKeyring(k1, undefined));
    const rotatingBox = new SecretBox(parseKeyring(`${k1},${k2}`, 'k2'));
    const newBox = new SecretBox(parseKeyring(k2, undefined));

    it('opens old values, reseals them under the active key, and retires the old key', () => {
      const old = oldBox.seal(secret, aad);
      expect(rotatingBox.activeKeyId).toBe('k2');
      expect(rotatingBox.isSealedWithActiveKey(old)).toBe(false);
      expect(rotatingBox.open(old, aad)).toBe(secret);

      const resealed = rotatingBox.reseal(old, aad);
      expect(rotatingBox.keyIdOf(resealed)).toBe('k2');
      expect(rotatingBox.isSealedWithActiveKey(resealed)).toBe(true);
      expect(rotatingBox.open(resealed, aad)).toBe(secret);

      expect(newBox.open(resealed, aad)).toBe(secret);
      expect(decryptionError(() => newBox.open(old, aad)).reason).toBe('unknown-key');
    });

    it('is idempotent: a value already under the active key comes back unchanged', () => {
      const current = rotatingBox.seal(secret, aad);
      expect(rotatingBox.reseal(current, aad)).toBe(current);
      const once = rotatingBox.reseal(oldBox.seal(secret, aad), aad);
      expect(rotatingBox.reseal(once, aad)).toBe(once);
    });

    it('keeps the AAD binding across reseal and still checks it for active-key values', () => {
      const old = oldBox.seal(secret, aad);
      const other = { ...aad, resourceId: 'srv-2' };
      expect(() => rotatingBox.reseal(old, other)).toThrow(SecretDecryptionError);
      const current = rotatingBox.seal(secret, aad);
      expect(() => rotatingBox.reseal(current, other)).toThrow(SecretDecryptionError);
      expect(() => rotatingBox.open(rotatingBox.reseal(old, aad), other)).toThrow(
        SecretDecryptionError,
      );
    });
  });
});
