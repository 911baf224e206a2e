import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@app/auth';
import { DatabaseHealthIndicator } from './database.health';
import { EncryptionKeysHealthIndicator } from './encryption-keys.health';

@ApiTags('health')
@Controller('health')
export class ServiceHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly encryptionKeys: EncryptionKeysHealthIndicator,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: database ping (503 in the error envelope when it is down) and the encryption keys: active, known, and unknown_seen (key ids of stored values this instance cannot open; stays 200)',
  })
  ready() {
    return this.health.check([() => this.database.ping(), () => this.encryptionKeys.check()]);
  }
}
