import type { TeamWithGroups } from '@app/dal';
import type { TeamResponseDto } from './dto/team-response.dto';

export function toTeamResponse({ team, accessGroups }: TeamWithGroups): TeamResponseDto {
  return {
    team_id: team.id,
    name: team.name,
    organization_id: team.organizationId,
    access_groups: accessGroups,
    created_at: team.createdAt.toISOString(),
    updated_at: team.updatedAt.toISOString(),
  };
}
