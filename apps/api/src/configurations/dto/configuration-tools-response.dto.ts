import { ApiProperty } from '@nestjs/swagger';
import { ServedToolDto, WithheldToolDto } from '../../shared/tool-baselines/served-tools.dto';
import { ToolsDriftProperty, ToolsDriftValue } from '../../shared/tool-baselines/tool-drift.fields';

export class ConfigurationToolsResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty({
    type: [ServedToolDto],
    description:
      'Tools found by the last successful connection test; with tool_configuration.enabled, only those named in allowed_tools, and of those only the ones whose current version is approved (TOOL_DRIFT_POLICY=withhold, the default) or all of them marked with drift (flag)',
  })
  tools!: ServedToolDto[];
  @ApiProperty({
    type: [WithheldToolDto],
    description: 'Allowed tools left out until their current version is approved',
  })
  withheld_tools!: WithheldToolDto[];
  @ToolsDriftProperty() tools_drift!: ToolsDriftValue[] | null;
  @ApiProperty({ type: String, nullable: true, description: 'When those tools were discovered' })
  lastConnectedAt!: string | null;
}
