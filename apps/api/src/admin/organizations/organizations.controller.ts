import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { PageQueryDto, toPaginationResponse } from '@app/core';
import { Auth, Principal, Roles } from '@app/auth';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { OrganizationListResponseDto } from './dto/organization-list-response.dto';
import { OrganizationResponseDto } from './dto/organization-response.dto';
import { UpdateOrganizationDto } from './dto/update-organization.dto';
import { OrganizationSettingsService } from './organization-settings.service';
import { toOrganizationResponse } from './organization.mapper';
import { OrganizationsService } from './organizations.service';

@ApiTags('admin: organizations')
@Controller('v1/organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly settings: OrganizationSettingsService,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles()
  @ApiOperation({ summary: 'Create an organization (platform admin)' })
  @ApiCreatedResponse({ type: OrganizationResponseDto })
  async create(
    @Auth() principal: Principal,
    @Body() dto: CreateOrganizationDto,
  ): Promise<OrganizationResponseDto> {
    return toOrganizationResponse(await this.organizations.create(principal, dto));
  }

  @Get()
  @Roles()
  @ApiOperation({ summary: 'List organizations, oldest first (platform admin)' })
  @ApiOkResponse({ type: OrganizationListResponseDto })
  async list(@Query() query: PageQueryDto): Promise<OrganizationListResponseDto> {
    const page = await this.organizations.list(query);
    return {
      organizations: page.items.map(toOrganizationResponse),
      pagination: toPaginationResponse(page),
    };
  }

  @Get(':organizationId')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Get an organization (platform admin; an org admin its own)' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  async get(
    @Auth() principal: Principal,
    @Param('organizationId') organizationId: string,
  ): Promise<OrganizationResponseDto> {
    return toOrganizationResponse(await this.settings.get(principal, organizationId));
  }

  @Patch(':organizationId')
  @Roles('org_admin')
  @ApiOperation({
    summary: "Change the organization's official registry settings (an org admin its own)",
    description:
      'registry_namespace names its servers in /v0.1 (`<namespace>/<alias>`); public_catalog serves the servers marked catalog_public without a key. Audited as organization.update.',
  })
  @ApiOkResponse({ type: OrganizationResponseDto })
  async update(
    @Auth() principal: Principal,
    @Param('organizationId') organizationId: string,
    @Body() dto: UpdateOrganizationDto,
  ): Promise<OrganizationResponseDto> {
    return toOrganizationResponse(await this.settings.update(principal, organizationId, dto));
  }

  @Delete(':organizationId')
  @HttpCode(204)
  @Roles()
  @ApiOperation({
    summary: 'Delete an organization with everything in it (platform admin)',
    description:
      'Its API keys stop working at once on this replica, elsewhere within the key cache TTL.',
  })
  @ApiNoContentResponse()
  async delete(
    @Auth() principal: Principal,
    @Param('organizationId') organizationId: string,
  ): Promise<void> {
    await this.organizations.delete(principal, organizationId);
  }
}
