import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@app/auth';
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
  ready() {
    return this.health.check([() => this.database.ping(), () => this.encryptionKeys.check()]);
  }
}
