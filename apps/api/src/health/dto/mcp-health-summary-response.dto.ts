import { ApiProperty } from '@nestjs/swagger';
import { DriftedServerDto } from './drifted-server.dto';
import { UnhealthyServerDto } from './unhealthy-server.dto';

/** Health of the servers whose checks are enabled (health_check_enabled). */
export class McpHealthSummaryResponseDto {
  @ApiProperty() total!: number;
  @ApiProperty() healthy!: number;
  @ApiProperty() unhealthy!: number;
  @ApiProperty({
    description: 'Never checked yet, or not probed (stdio disabled, secrets unreadable)',
  })
  unknown!: number;
  @ApiProperty({
    description:
      'Unhealthy because OAuth failed (auth_failed) or expired (auth_expired): part of unhealthy, or with auth_failures=ignore counted here only',
  })
  auth_failures!: number;
  @ApiProperty({
    type: [UnhealthyServerDto],
    description: 'The unhealthy servers by name (at most 500; the counts are always complete)',
  })
  unhealthy_servers!: UnhealthyServerDto[];
  @ApiProperty({
    description:
      'Servers whose listed tools differ from their approved baseline (GET /v1/mcp/server/{id}/tools/drift), whatever their status',
  })
  drifted!: number;
  @ApiProperty({
    type: [DriftedServerDto],
    description: 'The drifted servers by name (at most 500)',
  })
  drifted_servers!: DriftedServerDto[];
}
