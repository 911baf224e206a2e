import { createSecretKey, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { KEY_BYTES, KEY_ID_PATTERN } from './crypto.constants';
import { KeyringConfigError } from './keyring-config.error';

/**
 * The set of data-encryption keys and which one new values are sealed with. Keys are held as
 * KeyObjects so that logging, inspecting or serializing a keyring never prints key bytes.
 */
export class Keyring {
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(
    entries: Iterable<readonly [keyId: string, key: Uint8Array]>,
    readonly activeKeyId: string,
  ) {
    const keys = new Map<string, KeyObject>();
    for (const [keyId, key] of entries) {
      // parseKeyring reports these with more context; this guards direct construction.
      if (!KEY_ID_PATTERN.test(keyId)) {
        throw new KeyringConfigError('CREDENTIALS_ENCRYPTION_KEYS', 'contains an invalid key id');
      }
      if (key.length !== KEY_BYTES) {
        throw new KeyringConfigError(
          'CREDENTIALS_ENCRYPTION_KEYS',
          `key ${keyId} must be exactly ${KEY_BYTES} bytes`,
        );
      }
      if (keys.has(keyId)) {
        throw new KeyringConfigError('CREDENTIALS_ENCRYPTION_KEYS', `lists key id ${keyId} twice`);
      }
      keys.set(keyId, createSecretKey(key));
    }
    if (keys.size === 0) {
      throw new KeyringConfigError('CREDENTIALS_ENCRYPTION_KEYS', 'contains no keys');
    }
    if (!keys.has(activeKeyId)) {
      throw new KeyringConfigError(
        'CREDENTIALS_ACTIVE_KEY_ID',
        'must name one of the key ids in CREDENTIALS_ENCRYPTION_KEYS',
      );
    }
    this.keys = keys;
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /** Undefined for an id this deployment does not know (for example a key already retired). */
  keyFor(keyId: string): KeyObject | undefined {
    return this.keys.get(keyId);
  }

  toJSON(): { keyIds: string[]; activeKeyId: string } {
    return { keyIds: this.keyIds, activeKeyId: this.activeKeyId };
  }

  [inspect.custom](): string {
    return `Keyring { keyIds: [${this.keyIds.join(', ')}], activeKeyId: ${this.activeKeyId} }`;
  }
}
