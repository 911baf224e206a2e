import { ApiProperty } from '@nestjs/swagger';
import { ProbeToolDto } from '../../shared/probe/probe-tool.dto';

export class ConfigurationToolsResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty({
    type: [ProbeToolDto],
    description:
      'Tools found by the last successful connection test; with tool_configuration.enabled, only those named in allowed_tools',
  })
  tools!: ProbeToolDto[];
  @ApiProperty({ type: String, nullable: true, description: 'When those tools were discovered' })
  lastConnectedAt!: string | null;
}
