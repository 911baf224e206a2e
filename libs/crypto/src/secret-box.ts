import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { KEY_ID_PATTERN } from './crypto.constants';
import { Keyring } from './keyring';
import type { SecretAad } from './secret-aad.interface';
import { SecretDecryptionError } from './secret-decryption.error';
import { UnknownEncryptionKeyError } from './unknown-encryption-key.error';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;
/** Unknown key ids remembered for readiness; ids come from stored values, so the set is bounded. */
const MAX_UNKNOWN_KEY_IDS = 32;

export interface SecretBoxOptions {
  /** Called once per key id the first time a stored value sealed with an unknown key is met. */
  onUnknownKey?: (keyId: string) => void;
}

interface ParsedSecret {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function decodeSegment(segment: string): Buffer | undefined {
  if (!BASE64URL_PATTERN.test(segment)) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  // Buffer.from ignores trailing bits, so without this several strings would decode to the same
  // bytes and an edited character could go unnoticed; only the canonical encoding is accepted.
  return bytes.toString('base64url') === segment ? bytes : undefined;
}

function parse(sealed: string): ParsedSecret {
  const parts = typeof sealed === 'string' ? sealed.split('.') : [];
  if (parts.length !== 5 || parts[0] !== VERSION || !KEY_ID_PATTERN.test(parts[1])) {
    throw new SecretDecryptionError('malformed');
  }
  const [, keyId, ivPart, ciphertextPart, tagPart] = parts;
  const iv = decodeSegment(ivPart);
  const ciphertext = decodeSegment(ciphertextPart);
  const tag = decodeSegment(tagPart);
  if (!iv || !ciphertext || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretDecryptionError('malformed', keyId);
  }
  return { keyId, iv, ciphertext, tag };
}

function encodeAad(aad: SecretAad): Buffer {
  const fields = [aad?.resourceType, aad?.resourceId, aad?.organizationId];
  if (!fields.every((field) => typeof field === 'string' && field !== '')) {
    // A number id or a missing org would otherwise seal fine and then never open again.
    throw new TypeError(
      'secret AAD needs non-empty string resourceType, resourceId and organizationId',
    );
  }
  // JSON keeps the fields unambiguous even when they contain the separator ("a|b" + "c" vs
  // "a" + "b|c"); the version prefix ties the AAD to this format.
  return Buffer.from(JSON.stringify([VERSION, ...fields]), 'utf8');
}

/**
 * Authenticated encryption for secrets stored in database columns (AES-256-GCM). A sealed value
 * names its key id, so rows written under a retired-but-configured key keep opening after
 * rotation, and the AAD binds it to one row so it cannot be replayed elsewhere.
 */
export class SecretBox {
  private readonly unknownKeyIds = new Set<string>();

  constructor(
    private readonly keyring: Keyring,
    private readonly options: SecretBoxOptions = {},
  ) {}

  get activeKeyId(): string {
    return this.keyring.activeKeyId;
  }

  get knownKeyIds(): string[] {
    return this.keyring.keyIds;
  }

  /** Key ids of stored values this instance met since it started but could not open. */
  get unknownKeyIdsSeen(): string[] {
    return [...this.unknownKeyIds].sort();
  }

  /** `v1.<kid>.<iv>.<ciphertext>.<tag>`, all base64url: ASCII, no quoting needed in SQL. */
  seal(plaintext: string, aad: SecretAad): string {
    if (typeof plaintext !== 'string') throw new TypeError('seal expects a string plaintext');
    const keyId = this.keyring.activeKeyId;
    const key = this.keyring.keyFor(keyId) as KeyObject;
    // Random 96-bit IVs are safe for far more values per key than a registry will ever store.
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(encodeAad(aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      keyId,
      iv.toString('base64url'),
      ciphertext.toString('base64url'),
      tag.toString('base64url'),
    ].join('.');
  }

  open(sealed: string, aad: SecretAad): string {
    const aadBytes = encodeAad(aad);
    const { keyId, iv, ciphertext, tag } = parse(sealed);
    const key = this.keyring.keyFor(keyId);
    if (!key) throw this.unknownKey(keyId);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aadBytes);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // Node's message is already generic; it is dropped anyway so nothing else can leak.
      throw new SecretDecryptionError('authentication-failed', keyId);
    }
  }

  private unknownKey(keyId: string): UnknownEncryptionKeyError {
    if (!this.unknownKeyIds.has(keyId) && this.unknownKeyIds.size < MAX_UNKNOWN_KEY_IDS) {
      this.unknownKeyIds.add(keyId);
      this.options.onUnknownKey?.(keyId);
    }
    return new UnknownEncryptionKeyError(keyId);
  }

  sealJson(value: unknown, aad: SecretAad): string {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError('sealJson expects a JSON-serializable value');
    return this.seal(json, aad);
  }

  openJson<T = unknown>(sealed: string, aad: SecretAad): T {
    const json = this.open(sealed, aad);
    try {
      return JSON.parse(json) as T;
    } catch {
      // JSON.parse messages quote the input, which here is the plaintext secret.
      throw new SecretDecryptionError('malformed', this.keyIdOf(sealed));
    }
  }

  /** Throws SecretDecryptionError when the value is not a sealed secret at all. */
  keyIdOf(sealed: string): string {
    return parse(sealed).keyId;
  }

  /** False for malformed values too, so callers can hand those to reseal/open for the error. */
  isSealedWithActiveKey(sealed: string): boolean {
    try {
      return this.keyIdOf(sealed) === this.keyring.activeKeyId;
    } catch {
      return false;
    }
  }

  /**
   * Re-encrypts under the active key, for key rotation. A value already under the active key is
   * returned unchanged, but it is still opened first so a rotation run also surfaces corrupt or
   * misplaced rows instead of silently passing them.
   */
  reseal(sealed: string, aad: SecretAad): string {
    const plaintext = this.open(sealed, aad);
    if (this.keyIdOf(sealed) === this.keyring.activeKeyId) return sealed;
    return this.seal(plaintext, aad);
  }
}
