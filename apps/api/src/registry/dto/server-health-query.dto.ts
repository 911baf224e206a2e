import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ValidationError } from '@app/core';
import { OrganizationQueryDto } from './organization-query.dto';
import { SERVER_ID_PATTERN } from './registry-fields';

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

/** The distinct ids of `server_ids`, in the order named; undefined when it is absent. */
export function parseServerIds(param: string | undefined): string[] | undefined {
  if (param === undefined) return undefined;
  const serverIds = [...new Set(param.split(',').filter((id) => id.length > 0))];
  if (serverIds.length > MAX_HEALTH_SERVER_IDS) {
    throw ValidationError.field('server_ids', `must name at most ${MAX_HEALTH_SERVER_IDS} servers`);
  }
  if (serverIds.some((id) => !SERVER_ID_PATTERN.test(id))) {
    throw ValidationError.field('server_ids', 'must be server ids separated by commas');
  }
  return serverIds;
}
