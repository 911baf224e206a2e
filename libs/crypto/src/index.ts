export {
  ACTIVE_KEY_ID_VARIABLE,
  ENCRYPTION_KEYS_VARIABLE,
  KEY_BYTES,
  KEY_ID_PATTERN,
} from './crypto.constants';
export { DEV_KEY_FILE, DEV_KEY_ID, loadOrCreateDevKeyring } from './dev-keyring.loader';
export type { DevKeyring } from './dev-keyring.loader';
export { Keyring } from './keyring';
export { KeyringConfigError } from './keyring-config.error';
export type { KeyringVariable } from './keyring-config.error';
export { generateKeySpec, parseKeyring } from './keyring.parser';
export type { SecretAad } from './secret-aad.interface';
export { SecretBox } from './secret-box';
export type { SecretBoxOptions } from './secret-box';
export { SecretDecryptionError } from './secret-decryption.error';
export type { SecretDecryptionFailure } from './secret-decryption.error';
export {
  EncryptionKeyNotConfiguredError,
  UnknownEncryptionKeyError,
} from './unknown-encryption-key.error';
export { SecretBoxModule, createSecretBox } from './secret-box.module';
