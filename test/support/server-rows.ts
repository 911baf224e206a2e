import type { McpServerChanges } from '@app/dal';

/**
 * The request columns of a plain registry server (streamable HTTP, no auth, no access groups),
 * for specs that write server rows straight through libs/dal rather than the API.
 */
export function serverColumns(
  serverName: string,
  url: string,
  overrides: Partial<McpServerChanges> = {},
): McpServerChanges {
  const now = new Date();
  return {
    serverName,
    alias: serverName.toLowerCase().replace(/\W+/g, '_'),
    description: null,
    transport: 'streamable_http',
    specVersion: '2025-06-18',
    authType: 'none',
    url,
    mcpInfo: {
      server_name: null,
      description: null,
      logo_url: null,
      mcp_server_cost_info: { default_cost_per_query: 0, tool_name_to_cost_per_query: {} },
    },
    command: null,
    args: [],
    envKeys: [],
    envSealed: null,
    credentialKeys: null,
    credentialsSealed: null,
    allowedTools: [],
    hasAccessGroups: false,
    healthCheckEnabled: true,
    serverVersion: '1.0.0',
    catalogPublic: false,
    updatedAt: now,
    updatedBy: 'usr_test',
    ...overrides,
  };
}
