import { ApiProperty } from '@nestjs/swagger';
import {
  MCP_SERVER_AUTH_TYPES,
  MCP_SERVER_STATUSES,
  MCP_SERVER_TRANSPORTS,
  MCP_SPEC_VERSIONS,
  McpProtocolEra,
  McpServerAuthType,
  McpServerInfo,
  McpServerStatus,
  McpServerTransport,
  McpSpecVersion,
} from '@app/dal';
import {
  ProtocolEraProperty,
  ProtocolVersionProperty,
  TransportDeprecatedProperty,
} from '../../shared/probe/probe-protocol.fields';
import { McpInfoDto } from './mcp-info.dto';
import { ServerTeamDto } from './server-team.dto';
import {
  DriftDetectedAtProperty,
  ToolsDriftProperty,
  ToolsDriftValue,
  ToolsFingerprintProperty,
} from '../../shared/tool-baselines/tool-drift.fields';

const HIDDEN_FROM_VIEWERS = 'null for viewer keys.';

/** A registry server as every route returns it (the seed's fields first). */
export class ServerResponseDto {
  @ApiProperty() server_id!: string;
  @ApiProperty() server_name!: string;
  @ApiProperty() alias!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: `null for stdio servers; ${HIDDEN_FROM_VIEWERS}`,
  })
  url!: string | null;

  @ApiProperty({ enum: MCP_SERVER_TRANSPORTS }) transport!: McpServerTransport;
  @ApiProperty({ enum: MCP_SPEC_VERSIONS }) spec_version!: McpSpecVersion;
  @ApiProperty({ enum: MCP_SERVER_AUTH_TYPES }) auth_type!: McpServerAuthType;
  @ApiProperty({ example: '2025-08-10T15:27:35.211Z' }) created_at!: string;

  @ApiProperty({
    description: 'user_id of the key that created it (the key id for a key without one).',
  })
  created_by!: string;

  @ApiProperty({ example: '2025-08-10T15:27:35.211Z' }) updated_at!: string;
  @ApiProperty() updated_by!: string;

  @ApiProperty({
    type: [ServerTeamDto],
    description: "Teams of the organization granting one of the server's access groups.",
  })
  teams!: ServerTeamDto[];

  @ApiProperty({ type: [String] }) mcp_access_groups!: string[];
  @ApiProperty({ type: McpInfoDto }) mcp_info!: McpServerInfo;
  @ApiProperty({ enum: MCP_SERVER_STATUSES }) status!: McpServerStatus;

  @ApiProperty({ type: String, nullable: true, description: 'null until the first check.' })
  last_health_check!: string | null;

  @ApiProperty({ type: String, nullable: true }) health_check_error!: string | null;

  @ApiProperty({ type: String, nullable: true, description: HIDDEN_FROM_VIEWERS })
  command!: string | null;

  @ApiProperty({ type: [String], nullable: true, description: HIDDEN_FROM_VIEWERS })
  args!: string[] | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', example: '****' },
    nullable: true,
    description: `Every key, each value masked as "****". ${HIDDEN_FROM_VIEWERS}`,
  })
  env!: Record<string, string> | null;

  @ApiProperty() organization_id!: string;
  @ApiProperty({ type: [String] }) allowed_tools!: string[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description:
      'The stored credential fields: type in clear, every other value "****"; null when none.',
    example: { type: 'bearer', token: '****' },
  })
  credentials!: Record<string, string> | null;

  @ApiProperty() has_credentials!: boolean;
  @ApiProperty({ type: Number, nullable: true }) tool_count!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latency_ms!: number | null;
  @ApiProperty() consecutive_failures!: number;
  @ApiProperty() health_check_enabled!: boolean;
  @ProtocolVersionProperty() protocol_version!: string | null;
  @ProtocolEraProperty() protocol_era!: McpProtocolEra | null;
  @TransportDeprecatedProperty() transport_deprecated!: boolean;
  @ToolsFingerprintProperty() tools_fingerprint!: string | null;
  @ToolsDriftProperty() tools_drift!: ToolsDriftValue[] | null;
  @DriftDetectedAtProperty() drift_detected_at!: string | null;

  @ApiProperty({ description: 'The release the official registry API serves.', example: '1.0.0' })
  version!: string;

  @ApiProperty({ description: "In the organization's public catalog." })
  catalog_public!: boolean;
}
