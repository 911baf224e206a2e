import type { Role } from '@app/auth';

/**
 * Who may call each route of the running app, keyed `'METHOD /fastify/path/:param'`.
 * `roles` lists the roles allowed besides `platform_admin`, which may always call. The route
 * matrix test (test/e2e/route-matrix.e2e-spec.ts) walks every registered route and fails on a
 * route missing here, or on an entry whose route no longer exists.
 * Add your routes with one line each under your module's heading.
 */
export type RouteExpectation = { public: true } | { roles: Role[] };

const ADMIN: Role[] = ['org_admin'];
const PLATFORM_ONLY: Role[] = [];
const EVERY_ROLE: Role[] = ['org_admin', 'member', 'viewer', 'service', 'health_monitor'];
const READERS: Role[] = ['org_admin', 'member', 'viewer', 'service'];

export const ROUTE_EXPECTATIONS: Record<string, RouteExpectation> = {
  // foundation: service health
  'GET /health/live': { public: true },
  'GET /health/ready': { public: true },

  // auth and tenancy (admin module)
  'POST /v1/organizations': { roles: PLATFORM_ONLY },
  'GET /v1/organizations': { roles: PLATFORM_ONLY },
  'GET /v1/organizations/:organizationId': { roles: ADMIN },
  'PATCH /v1/organizations/:organizationId': { roles: ADMIN },
  'DELETE /v1/organizations/:organizationId': { roles: PLATFORM_ONLY },
  'POST /v1/api-keys': { roles: ADMIN },
  'GET /v1/api-keys': { roles: ADMIN },
  'GET /v1/api-keys/:keyId': { roles: ADMIN },
  'DELETE /v1/api-keys/:keyId': { roles: ADMIN },
  'POST /v1/api-keys/:keyId/rotate': { roles: ADMIN },
  'POST /v1/teams': { roles: ADMIN },
  'GET /v1/teams': { roles: ADMIN },
  'GET /v1/teams/:teamId': { roles: ADMIN },
  'PUT /v1/teams/:teamId': { roles: ADMIN },
  'DELETE /v1/teams/:teamId': { roles: ADMIN },
  'GET /v1/me': { roles: EVERY_ROLE },
  'GET /v1/audit-events': { roles: ADMIN },

  // custom MCP configurations
  'POST /v1/mcp-configurations': { roles: ['org_admin', 'member'] },
  'GET /v1/mcp-configurations': { roles: ['org_admin', 'member', 'viewer', 'service'] },
  'GET /v1/mcp-configurations/:configurationId': {
    roles: ['org_admin', 'member', 'viewer', 'service'],
  },
  'PATCH /v1/mcp-configurations/:configurationId': { roles: ['org_admin', 'member'] },
  'PUT /v1/mcp-configurations/:configurationId': { roles: ['org_admin', 'member'] },
  'DELETE /v1/mcp-configurations/:configurationId': { roles: ['org_admin', 'member'] },
  'GET /v1/mcp-configurations/:configurationId/credentials': { roles: ['org_admin', 'service'] },

  // server registry
  'POST /v1/mcp/server': { roles: ['org_admin'] },
  'PUT /v1/mcp/server': { roles: ['org_admin'] },
  'GET /v1/mcp/server': { roles: ['org_admin', 'member', 'viewer', 'service'] },
  'GET /v1/mcp/server/health': { roles: EVERY_ROLE },
  'GET /v1/mcp/server/:server_id': { roles: ['org_admin', 'member', 'viewer', 'service'] },
  'DELETE /v1/mcp/server/:server_id': { roles: ['org_admin'] },
  'GET /v1/mcp/server/:server_id/tools': { roles: ['org_admin', 'member', 'viewer', 'service'] },
  'GET /v1/mcp/access_groups': { roles: ['org_admin', 'member', 'viewer', 'service'] },

  // health checks (probe-now, configuration tests, CI summary, metrics)
  'POST /v1/mcp/server/:server_id/health': {
    roles: ['org_admin', 'member', 'service', 'health_monitor'],
  },
  'POST /v1/mcp-configurations/:configurationId/test': {
    roles: ['org_admin', 'member', 'service'],
  },
  'GET /v1/mcp-configurations/:configurationId/tools': {
    roles: ['org_admin', 'member', 'viewer', 'service'],
  },
  'GET /v1/health/mcp': { roles: ['org_admin', 'service', 'health_monitor'] },
  // Public instead when METRICS_PUBLIC=true; the matrix runs with the default.
  'GET /metrics': { roles: ['org_admin', 'service', 'health_monitor'] },

  // change feed and webhooks
  'GET /v1/events': { roles: ['org_admin', 'service'] },
  'POST /v1/webhooks': { roles: ADMIN },
  'GET /v1/webhooks': { roles: ADMIN },
  'GET /v1/webhooks/:webhookId': { roles: ADMIN },
  'PUT /v1/webhooks/:webhookId': { roles: ADMIN },
  'DELETE /v1/webhooks/:webhookId': { roles: ADMIN },
  'GET /v1/webhooks/:webhookId/deliveries': { roles: ADMIN },
  'POST /v1/webhooks/:webhookId/redeliver': { roles: ADMIN },

  // tool baselines and drift (issue 15)
  'GET /v1/mcp/server/:server_id/tools/drift': {
    roles: ['org_admin', 'member', 'viewer', 'service'],
  },
  'POST /v1/mcp/server/:server_id/tools/baseline': { roles: ['org_admin'] },
  'GET /v1/mcp-configurations/:configurationId/tools/drift': {
    roles: ['org_admin', 'member', 'viewer', 'service'],
  },
  'POST /v1/mcp-configurations/:configurationId/tools/baseline': { roles: ['org_admin'] },

  // official registry API (v0.1). The catalog routes also answer without a key, for an
  // organization whose catalog is public (401 otherwise, as the matrix checks).
  'GET /v0.1/servers': { roles: READERS },
  'GET /v0.1/servers/*': { roles: READERS },
  'GET /orgs/:namespace/v0.1/servers': { roles: READERS },
  'GET /orgs/:namespace/v0.1/servers/*': { roles: READERS },
  'GET /v0.1/orgs/:namespace/servers': { roles: READERS },
  'GET /v0.1/orgs/:namespace/servers/*': { roles: READERS },
  'GET /.well-known/oauth-protected-resource': { public: true },
};
