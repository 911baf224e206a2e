import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { SERVER_ID_PATTERN } from './registry-fields';
import { ServerBodyDto } from './server-body.dto';

/** PUT /v1/mcp/server: the whole server; fields left out become empty (or their default). */
export class UpdateServerDto extends ServerBodyDto {
  @ApiProperty({ pattern: SERVER_ID_PATTERN.source, example: 'github-mcp' })
  @IsString()
  @Matches(SERVER_ID_PATTERN, { message: 'must be 1 to 64 characters of A-Z a-z 0-9 _ . : -' })
  server_id!: string;
}
