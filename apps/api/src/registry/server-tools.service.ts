import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/core';
import type { OneOrganization } from '@app/core';
import type { Principal } from '@app/auth';
import { McpServerReadRepository, McpServerToolsView, ToolOwner } from '@app/dal';
import type { IfMatch } from '../shared/http-cache';
import type { ServedTools } from '../shared/tool-baselines/served-tools';
import {
  ToolBaselinesService,
  ToolDriftView,
} from '../shared/tool-baselines/tool-baselines.service';
import { ServerReadsService } from './server-reads.service';
import { visibilityOf } from './server-visibility';

export interface ServerTools {
  view: McpServerToolsView;
  served: ServedTools;
}

export interface ServerToolDrift extends ToolDriftView {
  serverId: string;
  organizationId: string;
}

/**
 * A registry server's tools: what `/tools` serves (allowed tools only while approved), the drift
 * review, and the approval of the observed tools as the new baseline. Reads follow the registry's
 * visibility; the approval is for admins (the route's roles) of the server's organization.
 */
@Injectable()
export class ServerToolsService {
  constructor(
    private readonly reads: ServerReadsService,
    private readonly servers: McpServerReadRepository,
    private readonly baselines: ToolBaselinesService,
  ) {}

  async tools(principal: Principal, serverId: string, requested?: string): Promise<ServerTools> {
    const owner = await this.reads.ownerOf(principal, serverId, requested);
    const view = await this.servers.toolsOfVisible(owner, visibilityOf(principal), serverId);
    if (!view) throw new NotFoundError('Server');
    const allowed = view.allowedTools.length > 0 ? view.allowedTools : null;
    const served = await this.baselines.serve(
      owner,
      ownerOf(serverId),
      view.discoveredTools ?? [],
      allowed,
    );
    return { view, served };
  }

  async drift(
    principal: Principal,
    serverId: string,
    requested?: string,
  ): Promise<ServerToolDrift> {
    const owner = await this.visibleOwner(principal, serverId, requested);
    const drift = await this.baselines.drift(owner, ownerOf(serverId));
    return { ...drift, serverId, organizationId: owner.organizationId };
  }

  async approve(
    principal: Principal,
    serverId: string,
    requested: string | undefined,
    ifMatch: IfMatch | undefined,
  ): Promise<ServerToolDrift> {
    const owner = await this.visibleOwner(principal, serverId, requested);
    const drift = await this.baselines.approve(principal, owner, ownerOf(serverId), ifMatch);
    return { ...drift, serverId, organizationId: owner.organizationId };
  }

  private async visibleOwner(
    principal: Principal,
    serverId: string,
    requested: string | undefined,
  ): Promise<OneOrganization> {
    const owner = await this.reads.ownerOf(principal, serverId, requested);
    if (!(await this.servers.findVisible(owner, visibilityOf(principal), serverId))) {
      throw new NotFoundError('Server');
    }
    return owner;
  }
}

function ownerOf(serverId: string): ToolOwner {
  return { kind: 'mcp_server', id: serverId };
}
