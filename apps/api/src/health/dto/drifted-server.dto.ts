import { ApiProperty } from '@nestjs/swagger';
import {
  DriftDetectedAtProperty,
  TOOLS_DRIFT_VALUES,
  ToolsDriftValue,
} from '../../shared/tool-baselines/tool-drift.fields';

export class DriftedServerDto {
  @ApiProperty() server_id!: string;
  @ApiProperty() server_name!: string;
  @ApiProperty() organization_id!: string;
  @ApiProperty({ enum: TOOLS_DRIFT_VALUES, isArray: true, example: ['changed'] })
  tools_drift!: ToolsDriftValue[];
  @DriftDetectedAtProperty() drift_detected_at!: string | null;
}
