import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { OrganizationQueryDto } from './organization-query.dto';

export const MAX_HEALTH_SERVER_IDS = 100;

export class ServerHealthQueryDto extends OrganizationQueryDto {
  @ApiPropertyOptional({
    description: `Comma-separated server ids (at most ${MAX_HEALTH_SERVER_IDS}); every visible server when omitted. Ids you cannot see are left out.`,
    example: 'github-mcp,jira-mcp',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_HEALTH_SERVER_IDS * 65)
  @Matches(/^[A-Za-z0-9_.:,-]*$/, { message: 'must be server ids separated by commas' })
  server_ids?: string;
}
