export type KeyringVariable = 'CREDENTIALS_ENCRYPTION_KEYS' | 'CREDENTIALS_ACTIVE_KEY_ID';

/**
 * Thrown at boot for a malformed keyring. The message names the variable and the problem but
 * never echoes the value: a misplaced key must not end up in logs or crash reports.
 */
export class KeyringConfigError extends Error {
  constructor(
    readonly variable: KeyringVariable,
    readonly reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'KeyringConfigError';
  }
}
