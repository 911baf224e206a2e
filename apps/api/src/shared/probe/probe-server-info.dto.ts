import { ApiProperty } from '@nestjs/swagger';

/** What the server said about itself in `initialize`. */
export class ProbeServerInfoDto {
  @ApiProperty() name!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ description: 'The MCP protocol version the server agreed to' })
  protocol_version!: string;
}
