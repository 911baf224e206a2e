import { ApiProperty } from '@nestjs/swagger';
import { MCP_SERVER_STATUSES, McpServerStatus } from '@app/dal';

export class ServerHealthDto {
  @ApiProperty() server_id!: string;
  @ApiProperty({
    description: 'server_id is unique per organization; a platform admin may see one id twice',
  })
  organization_id!: string;
  @ApiProperty({ enum: MCP_SERVER_STATUSES }) status!: McpServerStatus;
  @ApiProperty({ type: String, nullable: true }) last_health_check!: string | null;
  @ApiProperty({ type: String, nullable: true }) health_check_error!: string | null;
  @ApiProperty({ type: Number, nullable: true }) latency_ms!: number | null;
}
