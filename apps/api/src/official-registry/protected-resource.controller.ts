import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@app/auth';
import { protectedResourceMetadata, setOfficialCors } from './protected-resource';

/** RFC 9728 metadata, where the 401s of the official registry API point. */
@ApiTags('official registry API (v0.1)')
@Controller('.well-known')
export class ProtectedResourceController {
  @Get('oauth-protected-resource')
  @Public()
  @ApiOperation({
    summary: 'OAuth 2.0 Protected Resource Metadata (RFC 9728)',
    description:
      'Bearer tokens in the Authorization header; today the tokens are API keys (ak_...), so no authorization server is listed.',
  })
  @ApiOkResponse({ description: '{resource, resource_name, bearer_methods_supported, ...}' })
  metadata(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Record<string, unknown> {
    setOfficialCors(reply);
    return protectedResourceMetadata(request);
  }
}
