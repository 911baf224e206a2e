import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Principal, Roles } from '@app/auth';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { MeResponseDto } from './dto/me-response.dto';
import { toMeResponse } from './me.mapper';

@ApiTags('admin: me')
@Controller('v1/me')
export class MeController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @Roles('org_admin', 'member', 'viewer', 'service', 'health_monitor')
  @ApiOperation({ summary: "Who am I: the calling key's principal (every role)" })
  @ApiOkResponse({ type: MeResponseDto })
  async me(@Auth() principal: Principal): Promise<MeResponseDto> {
    return toMeResponse(principal, await this.apiKeys.self(principal));
  }
}
