import { foldName, nameKeyOf } from '../../entities/name-key';
import { NO_DRIFT, TOOL_DRIFT_KINDS } from '../../entities/tool-drift';
import type {
  DiscoveredTool,
  McpServerEntity,
  McpServerStatus,
} from '../../entities/mcp-server.entity';

/** Columns reads never return: sealed values, lookup keys, the tool cache, checker bookkeeping. */
export const HIDDEN_SERVER_COLUMNS = [
  'serverNameKey',
  'aliasKey',
  'envSealed',
  'credentialsSealed',
  'discoveredTools',
  'toolsFreshUntil',
  'nextCheckAt',
  'claimOwner',
  'claimExpiresAt',
  'credentialsRefreshOwner',
  'credentialsRefreshUntil',
  'healthCheckErrorKind',
  'toolsDigest',
] as const;

/** A server as reads return it. */
export type McpServerView = Omit<McpServerEntity, (typeof HIDDEN_SERVER_COLUMNS)[number]>;

/**
 * Which servers of an organization a reader may see (API.md §2): all of them, or those without
 * access groups plus those sharing one of `accessGroups`.
 */
export type ServerVisibility = { wholeOrganization: true } | { accessGroups: readonly string[] };

export interface ServerTeam {
  teamId: string;
  name: string;
}

/** A server's access groups and the teams of its organization granting any of them. */
export interface ServerReach {
  accessGroups: string[];
  teams: ServerTeam[];
}

export interface McpServerListFilter {
  accessGroup?: string;
  status?: McpServerStatus;
  /** `any`: drift of any kind; `none`: compared and equal; a kind: drift including it. */
  toolsDrift?: ToolsDriftFilter;
}

export const TOOLS_DRIFT_FILTERS = ['any', NO_DRIFT, ...TOOL_DRIFT_KINDS] as const;
export type ToolsDriftFilter = (typeof TOOLS_DRIFT_FILTERS)[number];

export interface McpServerPage {
  /** Rows to return; one more is fetched to tell whether there is a next page. */
  limit: number;
  /**
   * The last row of the previous page. A server_id is unique per organization only, so a list
   * over every organization breaks ties on the organization too.
   */
  after?: { createdAt: Date; serverId: string; organizationId?: string };
}

export interface McpServerHealthView {
  serverId: string;
  organizationId: string;
  status: McpServerStatus;
  lastHealthCheck: Date | null;
  healthCheckError: string | null;
  latencyMs: number | null;
}

export interface McpServerToolsView {
  serverId: string;
  allowedTools: string[];
  discoveredTools: DiscoveredTool[] | null;
  lastHealthCheck: Date | null;
  toolsDrift: string | null;
}

/**
 * Columns a create or replace sets from the request. Identity, lookup keys (derived from name and
 * alias) and the checker's columns are the repository's.
 */
export type McpServerChanges = Omit<
  McpServerEntity,
  | 'serverNameKey'
  | 'aliasKey'
  | 'nextCheckAt'
  | 'serverId'
  | 'organizationId'
  | 'createdAt'
  | 'createdBy'
  | 'version'
  | 'status'
  | 'lastHealthCheck'
  | 'healthCheckError'
  | 'toolCount'
  | 'latencyMs'
  | 'consecutiveFailures'
  | 'discoveredTools'
  | 'toolsFingerprint'
  | 'toolsDigest'
  | 'toolsDrift'
  | 'driftDetectedAt'
  | 'protocolVersion'
  | 'protocolEra'
  | 'transportDeprecated'
  | 'toolsFreshUntil'
  | 'claimOwner'
  | 'claimExpiresAt'
  | 'healthCheckErrorKind'
  // The refresh lease belongs to the ciphertext it was taken on; a new one makes it moot.
  | 'credentialsRefreshOwner'
  | 'credentialsRefreshUntil'
>;

/** A new server: its id, creation and the columns from the request. */
export interface NewMcpServer {
  serverId: string;
  createdAt: Date;
  createdBy: string;
  changes: McpServerChanges;
}

export type McpServerConflictField = 'server_id' | 'server_name' | 'alias';

/** A unique value of the organization is taken; the service says so in its own words (409). */
export class McpServerConflict extends Error {
  constructor(readonly field: McpServerConflictField) {
    super(`mcp_servers unique value taken: ${field}`);
  }
}

/** Server names are unique per organization regardless of case (`nameKeyOf`, as every name). */
export function serverNameKeyOf(serverName: string): string {
  return nameKeyOf(serverName);
}

/** Aliases too; they are short ASCII, so the folded alias itself is the key. */
export function aliasKeyOf(alias: string): string {
  return foldName(alias);
}

/** A server's identity: its id is unique inside its organization only. */
export function serverKey(organizationId: string, serverId: string): string {
  return `${organizationId}/${serverId}`;
}
