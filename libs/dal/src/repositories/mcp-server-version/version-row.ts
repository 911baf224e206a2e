import type { McpServerVersionEntity } from '../../entities/mcp-server-version.entity';
import type {
  McpServerAuthType,
  McpServerInfo,
  McpServerTransport,
} from '../../entities/mcp-server.entity';
import { aliasKeyOf } from '../mcp-server/mcp-server.types';

/** The official limits of `title` and `description` (server.schema.json). */
export const OFFICIAL_TEXT_LIMIT = 100;

/** What a server's version row is made of: the server as written, secrets excluded. */
export interface VersionSource {
  serverId: string;
  serverName: string;
  alias: string;
  description: string | null;
  transport: McpServerTransport;
  url: string | null;
  authType: McpServerAuthType;
  /** The header an api_key credential goes in; null when there is none or it is not known. */
  credentialHeader: string | null;
  command: string | null;
  args: string[];
  envKeys: string[];
  mcpInfo: McpServerInfo;
  serverVersion: string;
  catalogPublic: boolean;
  accessGroups: readonly string[];
}

/** The columns of a version row that come from the server (the rest is the write's). */
export type VersionColumns = Omit<
  McpServerVersionEntity,
  'organizationId' | 'namespace' | 'status' | 'isLatest' | 'publishedAt' | 'updatedAt'
>;

/**
 * `text` in at most `max` characters: longer text is cut and ends with "…", never in the middle
 * of a surrogate pair.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The first non-blank of the server's description, its mcp_info description, its name. */
function servedDescription(source: VersionSource): string {
  for (const candidate of [source.description, source.mcpInfo.description, source.serverName]) {
    const text = candidate?.trim();
    if (text) return cutText(text, OFFICIAL_TEXT_LIMIT);
  }
  return cutText(source.serverName, OFFICIAL_TEXT_LIMIT);
}

/** Access groups as stored on a version row: `|a|b|`, or empty for none. */
export function accessGroupsText(accessGroups: readonly string[]): string {
  return accessGroups.length === 0 ? '' : `|${[...accessGroups].sort().join('|')}|`;
}

export function accessGroupsOfText(text: string): string[] {
  return text.split('|').filter((group) => group.length > 0);
}

export function versionColumnsOf(source: VersionSource): VersionColumns {
  return {
    aliasKey: aliasKeyOf(source.alias),
    version: source.serverVersion,
    serverId: source.serverId,
    alias: source.alias,
    title: cutText(source.serverName, OFFICIAL_TEXT_LIMIT),
    description: servedDescription(source),
    transport: source.transport,
    url: source.transport === 'stdio' ? null : source.url,
    authType: source.authType,
    credentialHeader: source.authType === 'api_key' ? source.credentialHeader : null,
    command: source.transport === 'stdio' ? source.command : null,
    args: source.transport === 'stdio' ? [...source.args] : [],
    envKeys: source.transport === 'stdio' ? [...source.envKeys] : [],
    logoUrl: source.mcpInfo.logo_url,
    accessGroups: accessGroupsText(source.accessGroups),
    hasAccessGroups: source.accessGroups.length > 0,
    catalogPublic: source.catalogPublic,
  };
}
