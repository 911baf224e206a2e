import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { EncryptionKeysHealthIndicator } from './encryption-keys.health';
import { ServiceHealthController } from './service-health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
  controllers: [ServiceHealthController],
  providers: [DatabaseHealthIndicator, EncryptionKeysHealthIndicator],
})
export class HealthModule {}
