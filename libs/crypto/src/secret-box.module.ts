import { Global, Logger, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';
import { localDataDir } from '@app/dal';
import { loadOrCreateDevKeyring } from './dev-keyring.loader';
import { parseKeyring } from './keyring.parser';
import { SecretBox, SecretBoxOptions } from './secret-box';
import { ENCRYPTION_KEYS_VARIABLE } from './crypto.constants';
import { KeyringConfigError } from './keyring-config.error';

/**
 * The one SecretBox of the app. Keys come from CREDENTIALS_ENCRYPTION_KEYS; only the SQLite
 * zero-setup default may generate a local key into its data folder.
 */
export function createSecretBox(
  config: AppConfig,
  log: (message: string) => void,
  options: SecretBoxOptions = {},
): SecretBox {
  if (config.crypto.encryptionKeys) {
    return new SecretBox(
      parseKeyring(config.crypto.encryptionKeys, config.crypto.activeKeyId),
      options,
    );
  }
  const dataDir = localDataDir(config.database);
  if (dataDir !== null && config.nodeEnv !== 'production') {
    const dev = loadOrCreateDevKeyring(dataDir, log);
    return new SecretBox(
      parseKeyring(dev.spec, config.crypto.activeKeyId ?? dev.activeKeyId),
      options,
    );
  }
  throw new KeyringConfigError(
    ENCRYPTION_KEYS_VARIABLE,
    'is required (kid:base64key[,kid2:base64key2]) outside the SQLite development default',
  );
}

@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('SecretBox');
        return createSecretBox(config, (message) => logger.warn(message), {
          onUnknownKey: (keyId) =>
            logger.error(
              { key_id: keyId },
              `A stored secret is sealed with encryption key ${keyId}, which is not configured on this instance: ` +
                `reads of such values answer 503 here until ${ENCRYPTION_KEYS_VARIABLE} lists it (logged once per key id)`,
            ),
        });
      },
    },
  ],
  exports: [SecretBox],
})
export class SecretBoxModule {}
