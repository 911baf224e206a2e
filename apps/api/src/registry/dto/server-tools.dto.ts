import { ApiProperty } from '@nestjs/swagger';
import { ServerToolDto } from './server-tool.dto';

export class ServerToolsDto {
  @ApiProperty() server_id!: string;

  @ApiProperty({
    type: [ServerToolDto],
    description: 'Tools found by the last health check, limited to allowed_tools when set.',
  })
  tools!: ServerToolDto[];

  @ApiProperty({ type: String, nullable: true }) last_health_check!: string | null;
}
