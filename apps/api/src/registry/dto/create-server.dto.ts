import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { SERVER_ID_PATTERN } from './registry-fields';
import { ServerBodyDto } from './server-body.dto';

/** POST /v1/mcp/server. */
export class CreateServerDto extends ServerBodyDto {
  @ApiPropertyOptional({
    description: 'Your id for the server (1–64 of [A-Za-z0-9_.:-]); a UUID v4 when omitted.',
    pattern: SERVER_ID_PATTERN.source,
    example: 'github-mcp',
  })
  @IsOptional()
  @IsString()
  @Matches(SERVER_ID_PATTERN, { message: 'must be 1 to 64 characters of A-Z a-z 0-9 _ . : -' })
  server_id?: string;
}
