import { ApiProperty } from '@nestjs/swagger';
import { MCP_CONNECTION_STATUSES, McpConnectionStatus, McpProtocolEra } from '@app/dal';
import { ProbeServerInfoDto } from '../../shared/probe/probe-server-info.dto';
import {
  ProtocolEraProperty,
  ProtocolVersionProperty,
  TransportDeprecatedProperty,
} from '../../shared/probe/probe-protocol.fields';
import { ProbeToolDto } from '../../shared/probe/probe-tool.dto';

export class ConfigurationTestResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty({
    enum: MCP_CONNECTION_STATUSES,
    description:
      'connected: initialize and tools/list succeeded; disconnected: unreachable or timed out; error: it answered but not as a working MCP server (credentials rejected, not MCP, protocol error) or the target is not allowed',
  })
  connectionStatus!: McpConnectionStatus;
  @ApiProperty({ type: Number, nullable: true }) latency_ms!: number | null;
  @ApiProperty({ type: ProbeServerInfoDto, nullable: true })
  server_info!: ProbeServerInfoDto | null;
  @ProtocolVersionProperty() protocol_version!: string | null;
  @ProtocolEraProperty() protocol_era!: McpProtocolEra | null;
  @TransportDeprecatedProperty() transport_deprecated!: boolean;
  @ApiProperty({
    type: [ProbeToolDto],
    description: 'Every tool the server listed (GET …/tools applies tool_configuration)',
  })
  tools!: ProbeToolDto[];
  @ApiProperty({ type: String, nullable: true }) errorMessage!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastConnectedAt!: string | null;
}
