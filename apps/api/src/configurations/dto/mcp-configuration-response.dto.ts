import { ApiProperty } from '@nestjs/swagger';
import { MCP_AUTH_TYPES, MCP_CONNECTION_STATUSES, MCP_TRANSPORT_TYPES } from '@app/dal';
import { ToolConfigurationDto } from './tool-configuration.dto';
import {
  DriftDetectedAtProperty,
  ToolsDriftProperty,
  ToolsDriftValue,
  ToolsFingerprintProperty,
} from '../../shared/tool-baselines/tool-drift.fields';

/** The seed's field names, snake_case and camelCase mixed exactly as it shows them. */
export class McpConfigurationResponseDto {
  @ApiProperty({ example: 'mcp_1234567890abcdef1234567890abcdef' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ['custom'] })
  type!: 'custom';

  @ApiProperty()
  organization_id!: string;

  @ApiProperty({ nullable: true, type: String, description: "The creating key's user_id" })
  userId!: string | null;

  @ApiProperty()
  server_url!: string;

  @ApiProperty({ enum: MCP_TRANSPORT_TYPES })
  transportType!: string;

  @ApiProperty({ enum: MCP_AUTH_TYPES })
  authType!: string;

  @ApiProperty()
  isActive!: boolean;

  @ApiProperty({ enum: MCP_CONNECTION_STATUSES })
  connectionStatus!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  lastConnectedAt!: string | null;

  @ApiProperty({ nullable: true, type: String })
  errorMessage!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;

  @ApiProperty({ type: ToolConfigurationDto })
  tool_configuration!: { enabled: boolean; allowed_tools: string[] };

  @ApiProperty({ description: 'Whether credentials are stored (they are never returned here)' })
  has_credentials!: boolean;

  @ToolsFingerprintProperty() tools_fingerprint!: string | null;
  @ToolsDriftProperty() tools_drift!: ToolsDriftValue[] | null;
  @DriftDetectedAtProperty() drift_detected_at!: string | null;
}
