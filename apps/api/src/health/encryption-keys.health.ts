import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ENCRYPTION_KEYS_VARIABLE, SecretBox } from '@app/crypto';

/**
 * The keyring as readiness sees it: the active key, the key ids configured, and the key ids of
 * stored values met since start that this instance cannot open (mid rollout, or a key removed
 * too early). Always "up": such values answer 503 one by one, while everything else is served;
 * turning the replica unready would make a key missing everywhere a full outage.
 */
@Injectable()
export class EncryptionKeysHealthIndicator {
  constructor(
    private readonly secretBox: SecretBox,
    private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'encryption_keys') {
    const unknown = this.secretBox.unknownKeyIdsSeen;
    return this.health.check(key).up({
      active: this.secretBox.activeKeyId,
      known: this.secretBox.knownKeyIds,
      unknown_seen: unknown,
      ...(unknown.length > 0
        ? {
            warning: `stored secrets sealed with ${unknown.join(', ')} cannot be read on this instance (503); add the key to ${ENCRYPTION_KEYS_VARIABLE}`,
          }
        : {}),
    });
  }
}
