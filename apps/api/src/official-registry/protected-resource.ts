import type { FastifyReply, FastifyRequest } from 'fastify';

/** Where RFC 9728 puts a protected resource's metadata, under the resource's origin. */
export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

const SAFE_HOST = /^[A-Za-z0-9.\-:[\]]{1,255}$/;

/**
 * The registry's origin as the client reached it: the request's scheme and Host (Fastify reads
 * X-Forwarded-* only from the proxies TRUST_PROXY names). A Host that is not a plain host name
 * is not echoed into a response.
 */
export function resourceOrigin(request: FastifyRequest): string {
  const host = SAFE_HOST.test(request.host) ? request.host : 'localhost';
  return `${request.protocol}://${host}`;
}

/**
 * The OAuth 2.0 Protected Resource Metadata (RFC 9728 §2) of the registry, as the MCP registry
 * authorization guidance asks: bearer tokens in the Authorization header. Today those tokens are
 * the registry's API keys, so no authorization server is listed.
 */
export function protectedResourceMetadata(request: FastifyRequest): Record<string, unknown> {
  const origin = resourceOrigin(request);
  return {
    resource: origin,
    resource_name: 'MCP Registry',
    bearer_methods_supported: ['header'],
    resource_documentation: `${origin}/docs`,
  };
}

/** The challenge of a 401 (RFC 6750 §3 with RFC 9728 §5.1's `resource_metadata`). */
export function wwwAuthenticate(request: FastifyRequest): string {
  return `Bearer resource_metadata="${resourceOrigin(request)}${RESOURCE_METADATA_PATH}"`;
}

/**
 * CORS of every official registry route, errors included (GitHub Copilot and VS Code read the
 * registry from a browser context): anyone may read, with GET and the preflight's OPTIONS.
 */
export function setOfficialCors(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-allow-methods', 'GET, OPTIONS');
  reply.header('access-control-allow-headers', 'Authorization, Content-Type');
  reply.header('access-control-expose-headers', 'WWW-Authenticate');
}
