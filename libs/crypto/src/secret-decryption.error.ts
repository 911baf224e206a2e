export type SecretDecryptionFailure = 'malformed' | 'unknown-key' | 'authentication-failed';

/**
 * One error for every way a stored secret can fail to open. Wrong AAD and tampering are
 * indistinguishable to GCM anyway, and a uniform message keeps callers from leaking details
 * (the plaintext, key bytes or a parser message quoting either) into API responses.
 */
export class SecretDecryptionError extends Error {
  constructor(
    readonly reason: SecretDecryptionFailure,
    readonly keyId?: string,
  ) {
    super(
      keyId === undefined
        ? 'stored secret could not be decrypted (malformed value)'
        : reason === 'unknown-key'
          ? `stored secret could not be decrypted (unknown key id ${keyId})`
          : `stored secret could not be decrypted (key id ${keyId})`,
    );
    this.name = 'SecretDecryptionError';
  }
}
