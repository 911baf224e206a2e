import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { toPaginationResponse } from '@app/core';
import { Auth, Principal, Roles } from '@app/auth';
import { OrganizationPageQueryDto } from '../dto/organization-id-query.dto';
import { CreateTeamDto } from './dto/create-team.dto';
import { TeamListResponseDto } from './dto/team-list-response.dto';
import { TeamResponseDto } from './dto/team-response.dto';
import { UpdateTeamDto } from './dto/update-team.dto';
import { toTeamResponse } from './team.mapper';
import { TeamsService } from './teams.service';

@ApiTags('admin: teams')
@Controller('v1/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @HttpCode(201)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Create a team (name unique in the organization, case-insensitively)',
    description: 'Keys join a team through team_ids when they are created.',
  })
  @ApiCreatedResponse({ type: TeamResponseDto })
  async create(@Auth() principal: Principal, @Body() dto: CreateTeamDto): Promise<TeamResponseDto> {
    return toTeamResponse(await this.teams.create(principal, dto));
  }

  @Get()
  @Roles('org_admin')
  @ApiOperation({ summary: 'List teams, oldest first' })
  @ApiOkResponse({ type: TeamListResponseDto })
  async list(
    @Auth() principal: Principal,
    @Query() query: OrganizationPageQueryDto,
  ): Promise<TeamListResponseDto> {
    const page = await this.teams.list(principal, query);
    return {
      teams: page.items.map(toTeamResponse),
      pagination: toPaginationResponse(page),
    };
  }

  @Get(':teamId')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Get a team' })
  @ApiOkResponse({ type: TeamResponseDto })
  async get(
    @Auth() principal: Principal,
    @Param('teamId') teamId: string,
  ): Promise<TeamResponseDto> {
    return toTeamResponse(await this.teams.get(principal, teamId));
  }

  @Put(':teamId')
  @Roles('org_admin')
  @ApiOperation({
    summary: "Replace a team's name and access groups",
    description:
      "Its keys' access changes at once on this replica, elsewhere within the key cache TTL.",
  })
  @ApiOkResponse({ type: TeamResponseDto })
  async update(
    @Auth() principal: Principal,
    @Param('teamId') teamId: string,
    @Body() dto: UpdateTeamDto,
  ): Promise<TeamResponseDto> {
    return toTeamResponse(await this.teams.update(principal, teamId, dto));
  }

  @Delete(':teamId')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Delete a team (its keys lose the access groups it granted)' })
  @ApiNoContentResponse()
  async delete(@Auth() principal: Principal, @Param('teamId') teamId: string): Promise<void> {
    await this.teams.delete(principal, teamId);
  }
}
