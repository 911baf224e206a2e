import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const TOOL_DRIFT_MARKS = ['changed', 'added', 'unapproved'] as const;

const MARK_DESCRIPTION =
  'How the tool differs from the approved baseline: changed (another version is approved), added (not in the baseline), unapproved (no baseline yet)';

/** A tool as `/tools` serves it. */
export class ServedToolDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiPropertyOptional({
    enum: TOOL_DRIFT_MARKS,
    description: `${MARK_DESCRIPTION}; absent for a tool the baseline holds byte for byte`,
  })
  drift?: (typeof TOOL_DRIFT_MARKS)[number];
}

/** An allowed tool `/tools` leaves out until its current version is approved (TOOL_DRIFT_POLICY=withhold). */
export class WithheldToolDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TOOL_DRIFT_MARKS, description: MARK_DESCRIPTION })
  drift!: (typeof TOOL_DRIFT_MARKS)[number];
}
