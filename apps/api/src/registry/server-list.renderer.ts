import { Injectable } from '@nestjs/common';
import type { Principal } from '@app/auth';
import type { ListServersQueryDto } from './dto/list-servers-query.dto';
import { listEtag } from '../shared/http-cache';
import { RenderedServerPage, ServerListCache } from './server-list.cache';
import { toServerResponse } from './server-registry.mapper';
import { ServerPage, ServerReadsService } from './server-reads.service';

/**
 * GET /v1/mcp/server as sent: the page rendered once (body bytes, ETag, paging headers), and
 * within one organization reused while the organization's registry revision is unchanged. The
 * revision is read before the page, so a page is never kept under a revision older than the data
 * it shows. HTTP shape only; what the page holds is ServerReadsService's.
 */
@Injectable()
export class ServerListRenderer {
  constructor(
    private readonly reads: ServerReadsService,
    private readonly cache: ServerListCache,
  ) {}

  async render(principal: Principal, query: ListServersQueryDto): Promise<RenderedServerPage> {
    const request = await this.reads.listRequest(principal, query);
    const hideConnection = principal.role === 'viewer';
    const render = async () => renderPage(await this.reads.list(request), hideConnection);
    if (request.scope.kind === 'all' || !this.cache.enabled) return render();
    const revision = await this.reads.revision(request.scope);
    return this.cache.resolve(
      JSON.stringify([...request.identity, hideConnection]),
      revision,
      render,
    );
  }
}

function renderPage(page: ServerPage, hideConnection: boolean): RenderedServerPage {
  const body = JSON.stringify(
    page.items.map(({ server, reach }) => toServerResponse(server, reach, { hideConnection })),
  );
  return {
    body: Buffer.from(body, 'utf8'),
    etag: listEtag(body, page.nextCursor, page.total),
    nextCursor: page.nextCursor,
    total: page.total,
  };
}
