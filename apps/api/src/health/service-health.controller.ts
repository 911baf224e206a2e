import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@app/auth';
import { DatabaseFailureReason, DatabaseUnavailableError } from '@app/core';
import { DatabaseHealthIndicator } from './database.health';
import { EncryptionKeysHealthIndicator } from './encryption-keys.health';

/** Never rate limited: a flood of failed logins from a balancer's address must not fail these. */
@ApiTags('health')
@Controller('health')
export class ServiceHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly encryptionKeys: EncryptionKeysHealthIndicator,
  ) {}

  @Get('live')
  @Public({ rateLimit: false })
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public({ rateLimit: false })
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: database ping (503 in the error envelope when it is down) and the encryption keys: active, known, and unknown_seen (key ids of stored values this instance cannot open; stays 200)',
  })
  async ready() {
    try {
      return await this.health.check([
        () => this.database.ping(),
        () => this.encryptionKeys.check(),
      ]);
    } catch (error) {
      // The envelope says why: database_unavailable (refused, reset) or database_timeout (hung).
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const body = error.getResponse() as { error?: { database?: { reason?: string } } };
      const database = body.error?.database;
      if (!database) throw error;
      const reason =
        (database.reason as DatabaseFailureReason | undefined) ?? 'database_unavailable';
      throw new DatabaseUnavailableError(reason, false);
    }
  }
}
