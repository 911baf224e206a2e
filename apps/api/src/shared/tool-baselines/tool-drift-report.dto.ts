import { ApiProperty } from '@nestjs/swagger';
import { BASELINE_SOURCES } from '@app/dal';
import type { BaselineSource } from '@app/dal';
import {
  DriftDetectedAtProperty,
  ToolsDriftProperty,
  ToolsDriftValue,
  ToolsFingerprintProperty,
} from './tool-drift.fields';

export class ToolBaselineDto {
  @ApiProperty({ description: 'Fingerprint of the approved tool set' }) fingerprint!: string;
  @ApiProperty({
    enum: BASELINE_SOURCES,
    description: 'first_probe: recorded by the first successful probe; approved: by an admin',
  })
  source!: BaselineSource;
  @ApiProperty() approved_at!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'user_id of the approving key; null for first_probe',
  })
  approved_by!: string | null;
  @ApiProperty() tool_count!: number;
}

export class ToolVersionDto {
  @ApiProperty() name!: string;
  @ApiProperty({ description: "Hex SHA-256 of the tool's canonical JSON" }) fingerprint!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The whole tool object as the server sent it (secrets sent by the probe removed)',
  })
  tool!: Record<string, unknown>;
}

export class DescriptionChangeDto {
  @ApiProperty({ type: String, nullable: true }) before!: string | null;
  @ApiProperty({ type: String, nullable: true }) after!: string | null;
}

export class ToolChangeDto {
  @ApiProperty() name!: string;
  @ApiProperty({
    type: [String],
    description: 'Top-level fields of the tool object that differ',
    example: ['description', 'inputSchema'],
  })
  changed_fields!: string[];
  @ApiProperty({ type: DescriptionChangeDto, nullable: true })
  description!: DescriptionChangeDto | null;
  @ApiProperty({
    type: [String],
    description:
      'RFC 6901 pointers (relative to the tool object) of every other value that differs: schema properties added, removed or changed, annotations, title… (at most 200)',
    example: ['/inputSchema/properties/verbose'],
  })
  pointers!: string[];
  @ApiProperty() pointers_truncated!: boolean;
  @ApiProperty() fingerprint_before!: string;
  @ApiProperty() fingerprint_after!: string;
}

/** The review of a drift: what differs between the approved baseline and the observed tools. */
export class ToolDriftReportDto {
  @ToolsFingerprintProperty() tools_fingerprint!: string | null;
  @ToolsDriftProperty() tools_drift!: ToolsDriftValue[] | null;
  @DriftDetectedAtProperty() drift_detected_at!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When the observed tools were last recorded (they changed then)',
  })
  observed_at!: string | null;
  @ApiProperty({ type: ToolBaselineDto, nullable: true }) baseline!: ToolBaselineDto | null;
  @ApiProperty({ type: [ToolVersionDto], description: 'Tools the baseline does not have' })
  added!: ToolVersionDto[];
  @ApiProperty({ type: [ToolVersionDto], description: 'Baseline tools no longer listed' })
  removed!: ToolVersionDto[];
  @ApiProperty({ type: [ToolChangeDto] }) changed!: ToolChangeDto[];
}

export class ServerToolDriftReportDto extends ToolDriftReportDto {
  @ApiProperty() server_id!: string;
  @ApiProperty() organization_id!: string;
}

export class ConfigurationToolDriftReportDto extends ToolDriftReportDto {
  @ApiProperty() id!: string;
  @ApiProperty() organization_id!: string;
}
