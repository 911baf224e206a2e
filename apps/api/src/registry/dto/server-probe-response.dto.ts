import { ApiProperty } from '@nestjs/swagger';
import { MCP_SERVER_STATUSES, McpProtocolEra, McpServerStatus } from '@app/dal';
import { ProbeServerInfoDto } from '../../shared/probe/probe-server-info.dto';
import {
  ProtocolEraProperty,
  ProtocolVersionProperty,
  TransportDeprecatedProperty,
} from '../../shared/probe/probe-protocol.fields';
import { ProbeToolDto } from '../../shared/probe/probe-tool.dto';
import {
  DriftDetectedAtProperty,
  ToolsDriftProperty,
  ToolsDriftValue,
  ToolsFingerprintProperty,
} from '../../shared/tool-baselines/tool-drift.fields';

/** The result of probing a registry server now, as stored (status, error, latency, failures). */
export class ServerProbeResponseDto {
  @ApiProperty() server_id!: string;
  @ApiProperty({ enum: MCP_SERVER_STATUSES }) status!: McpServerStatus;
  @ApiProperty() last_health_check!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Why the probe failed: credentials rejected, unreachable, timed out, not an MCP server, refused by the target policy, …',
  })
  health_check_error!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The failure kind (README: Health checks): credentials_rejected, auth_failed, auth_expired, unreachable, timeout, not_mcp, …; null when healthy',
  })
  health_check_error_kind!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null when the probe failed' })
  latency_ms!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Tools this probe listed; null when it failed (the stored tool list then keeps the last successful discovery)',
  })
  tool_count!: number | null;
  @ApiProperty({ description: 'Failed probes in a row; 0 after a healthy one' })
  consecutive_failures!: number;
  @ApiProperty({ type: [ProbeToolDto] }) tools!: ProbeToolDto[];
  @ApiProperty({ type: ProbeServerInfoDto, nullable: true })
  server_info!: ProbeServerInfoDto | null;
  @ProtocolVersionProperty() protocol_version!: string | null;
  @ProtocolEraProperty() protocol_era!: McpProtocolEra | null;
  @TransportDeprecatedProperty() transport_deprecated!: boolean;
  @ToolsFingerprintProperty() tools_fingerprint!: string | null;
  @ToolsDriftProperty() tools_drift!: ToolsDriftValue[] | null;
  @DriftDetectedAtProperty() drift_detected_at!: string | null;
}
