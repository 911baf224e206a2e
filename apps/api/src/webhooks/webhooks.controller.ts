import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { PageQueryDto, toPaginationResponse } from '@app/core';
import { Auth, Principal, Roles } from '@app/auth';
import { ListWebhooksQueryDto } from './dto/list-webhooks-query.dto';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { RedeliverWebhookDto } from './dto/redeliver-webhook.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import {
  CreatedWebhookResponseDto,
  WebhookDeliveryListResponseDto,
  WebhookListResponseDto,
  WebhookResponseDto,
} from './dto/webhook-response.dto';
import {
  toCreatedWebhookResponse,
  toWebhookDeliveryResponse,
  toWebhookResponse,
} from './webhook.mapper';
import { WebhooksService } from './webhooks.service';

@ApiTags('change feed and webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(201)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Subscribe a URL to the organization’s events (the secret is in this answer only)',
    description:
      'Events committed from now on are POSTed in sequence order, signed the Standard Webhooks way (Webhook-Id, Webhook-Timestamp, Webhook-Signature).',
  })
  @ApiCreatedResponse({ type: CreatedWebhookResponseDto })
  async create(
    @Auth() principal: Principal,
    @Body() dto: CreateWebhookDto,
  ): Promise<CreatedWebhookResponseDto> {
    const { webhook, secret } = await this.webhooks.create(principal, dto);
    return toCreatedWebhookResponse(webhook, secret);
  }

  @Get()
  @Roles('org_admin')
  @ApiOperation({ summary: 'List webhook subscriptions, oldest first' })
  @ApiOkResponse({ type: WebhookListResponseDto })
  async list(
    @Auth() principal: Principal,
    @Query() query: ListWebhooksQueryDto,
  ): Promise<WebhookListResponseDto> {
    const page = await this.webhooks.list(principal, query);
    return { webhooks: page.items.map(toWebhookResponse), pagination: toPaginationResponse(page) };
  }

  @Get(':webhookId')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Get a webhook subscription (never its secret)' })
  @ApiOkResponse({ type: WebhookResponseDto })
  async get(
    @Auth() principal: Principal,
    @Param('webhookId') id: string,
  ): Promise<WebhookResponseDto> {
    return toWebhookResponse(await this.webhooks.get(principal, id));
  }

  @Put(':webhookId')
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Replace url, types and active (active: true resumes a disabled subscription)',
  })
  @ApiOkResponse({ type: WebhookResponseDto })
  async update(
    @Auth() principal: Principal,
    @Param('webhookId') id: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookResponseDto> {
    return toWebhookResponse(await this.webhooks.update(principal, id, dto));
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Delete a webhook subscription and its delivery log' })
  @ApiNoContentResponse()
  async remove(@Auth() principal: Principal, @Param('webhookId') id: string): Promise<void> {
    await this.webhooks.remove(principal, id);
  }

  @Get(':webhookId/deliveries')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Delivery attempts of a subscription, newest first' })
  @ApiOkResponse({ type: WebhookDeliveryListResponseDto })
  async deliveries(
    @Auth() principal: Principal,
    @Param('webhookId') id: string,
    @Query() query: PageQueryDto,
  ): Promise<WebhookDeliveryListResponseDto> {
    const page = await this.webhooks.deliveries(principal, id, query);
    return {
      deliveries: page.items.map(toWebhookDeliveryResponse),
      pagination: toPaginationResponse(page),
    };
  }

  @Post(':webhookId/redeliver')
  @HttpCode(200)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Resume deliveries now (re-enables a disabled subscription), or from a sequence',
  })
  @ApiOkResponse({ type: WebhookResponseDto })
  async redeliver(
    @Auth() principal: Principal,
    @Param('webhookId') id: string,
    @Body() dto: RedeliverWebhookDto,
  ): Promise<WebhookResponseDto> {
    return toWebhookResponse(await this.webhooks.redeliver(principal, id, dto ?? {}));
  }
}
