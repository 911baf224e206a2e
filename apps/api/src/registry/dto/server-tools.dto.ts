import { ApiProperty } from '@nestjs/swagger';
import { ServedToolDto, WithheldToolDto } from '../../shared/tool-baselines/served-tools.dto';
import { ToolsDriftProperty, ToolsDriftValue } from '../../shared/tool-baselines/tool-drift.fields';

export class ServerToolsDto {
  @ApiProperty() server_id!: string;

  @ApiProperty({
    type: [ServedToolDto],
    description:
      'Tools found by the last health check, limited to allowed_tools when set; with allowed_tools, an allowed tool that differs from the approved baseline is withheld (TOOL_DRIFT_POLICY=withhold) or marked (flag)',
  })
  tools!: ServedToolDto[];

  @ApiProperty({
    type: [WithheldToolDto],
    description: 'Allowed tools left out until their current version is approved',
  })
  withheld_tools!: WithheldToolDto[];

  @ToolsDriftProperty() tools_drift!: ToolsDriftValue[] | null;

  @ApiProperty({ type: String, nullable: true }) last_health_check!: string | null;
}
