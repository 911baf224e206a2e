import { AppError, ConvertibleToAppError, ServiceUnavailableError } from '@app/core';
import { SecretDecryptionError } from './secret-decryption.error';

/**
 * 503, not 500: the value is intact and another instance (or this one, once its keyring lists
 * the key) reads it. This happens mid key rollout, so the caller is told to retry; the operator
 * learns from the log line SecretBox writes once per key id.
 */
export class EncryptionKeyNotConfiguredError extends ServiceUnavailableError {
  override readonly loggedAtSource = true;

  constructor(readonly keyId: string) {
    super(
      `The stored secret cannot be read here: encryption key ${keyId} is not configured on this instance; retry shortly`,
    );
  }
}

/** A stored value sealed with a key id this instance's keyring does not hold. */
export class UnknownEncryptionKeyError
  extends SecretDecryptionError
  implements ConvertibleToAppError
{
  constructor(keyId: string) {
    super('unknown-key', keyId);
    this.name = 'UnknownEncryptionKeyError';
  }

  toAppError(): AppError {
    return new EncryptionKeyNotConfiguredError(this.keyId as string);
  }
}
