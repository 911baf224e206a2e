import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
import { toApiKeyResponse, toCreatedApiKeyResponse } from './api-key.mapper';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyListResponseDto } from './dto/api-key-list-response.dto';
import { ApiKeyResponseDto } from './dto/api-key-response.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { CreatedApiKeyResponseDto } from './dto/created-api-key-response.dto';

@ApiTags('admin: api keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Create an API key; the secret is returned only in this response',
    description:
      "org_admin: keys of its own organization only (another organization is a 403). Only platform admins create platform_admin keys (no organization_id). team_ids must be teams of the key's organization.",
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  async create(
    @Auth() principal: Principal,
    @Body() dto: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponseDto> {
    const issued = await this.apiKeys.create(principal, dto);
    return toCreatedApiKeyResponse(issued.key, issued.secret);
  }

  @Get()
  @Roles('org_admin')
  @ApiOperation({
    summary: 'List API keys, oldest first (never the secrets)',
    description: 'Revoked keys are listed with revoked_at set.',
  })
  @ApiOkResponse({ type: ApiKeyListResponseDto })
  async list(
    @Auth() principal: Principal,
    @Query() query: OrganizationPageQueryDto,
  ): Promise<ApiKeyListResponseDto> {
    const page = await this.apiKeys.list(principal, query);
    return {
      api_keys: page.items.map(toApiKeyResponse),
      pagination: toPaginationResponse(page),
    };
  }

  @Get(':keyId')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Get an API key (never the secret)' })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  async get(
    @Auth() principal: Principal,
    @Param('keyId') keyId: string,
  ): Promise<ApiKeyResponseDto> {
    return toApiKeyResponse(await this.apiKeys.get(principal, keyId));
  }

  @Delete(':keyId')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Revoke (deactivate) an API key',
    description:
      'Further use answers 401 API_KEY_DEACTIVATED: at once on the replica that revoked it, on other replicas within API_KEY_CACHE_TTL_MS.',
  })
  @ApiNoContentResponse()
  async revoke(@Auth() principal: Principal, @Param('keyId') keyId: string): Promise<void> {
    await this.apiKeys.revoke(principal, keyId);
  }

  @Post(':keyId/rotate')
  @HttpCode(201)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Rotate an API key: a new secret for the same key id',
    description:
      'The key keeps its id, role, user, grants and expiry; the old secret stops working (401) at once on this replica.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  async rotate(
    @Auth() principal: Principal,
    @Param('keyId') keyId: string,
  ): Promise<CreatedApiKeyResponseDto> {
    const issued = await this.apiKeys.rotate(principal, keyId);
    return toCreatedApiKeyResponse(issued.key, issued.secret);
  }
}
