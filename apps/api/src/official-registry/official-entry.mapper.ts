import { accessGroupsOfText, McpServerVersionView } from '@app/dal';
import { OfficialPackage, packagesOf } from './official-packages';

/** The registry-managed metadata the official API defines. */
export const OFFICIAL_META = 'io.modelcontextprotocol.registry/official';
/** Ours, under our own namespace (the official API allows any extra key in `_meta`). */
export const REGISTRY_META = 'io.mcp-registry/server';

export interface OfficialHeader {
  name: string;
  description: string;
  isRequired: boolean;
  isSecret: boolean;
}

export interface OfficialRemote {
  type: 'sse' | 'streamable-http';
  url: string;
  headers?: OfficialHeader[];
}

/** One entry of the official API (`ServerResponse`). */
export interface OfficialServerResponse {
  server: {
    name: string;
    description: string;
    title: string;
    version: string;
    icons?: { src: string; mimeType?: string }[];
    remotes?: OfficialRemote[];
    packages?: OfficialPackage[];
  };
  _meta: Record<string, Record<string, unknown>>;
}

export interface EntryOptions {
  /** Viewers never get where a server runs nor how it starts: no remotes, no packages. */
  showConnection: boolean;
  /** Admins see which access groups reach the server. */
  showAccessGroups: boolean;
}

const ICON_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  svg: 'image/svg+xml',
  webp: 'image/webp',
};

/** What a client must send: header names and what they hold, never a value. */
function headersOf(row: McpServerVersionView): OfficialHeader[] | undefined {
  const secret = (name: string, description: string): OfficialHeader[] => [
    { name, description, isRequired: true, isSecret: true },
  ];
  switch (row.authType) {
    case 'bearer_token':
      return secret('Authorization', 'Bearer token: "Bearer <token>"');
    case 'oauth':
      return secret('Authorization', 'OAuth 2.0 access token: "Bearer <access token>"');
    case 'basic':
      return secret('Authorization', 'HTTP Basic credentials: "Basic <base64 user:password>"');
    case 'authorization':
      return secret('Authorization', 'The Authorization header value the server expects');
    case 'api_key':
      // Unknown for rows migrated before the header name was recorded (README).
      return row.credentialHeader ? secret(row.credentialHeader, 'API key') : undefined;
    default:
      return undefined;
  }
}

/** An http(s) URL as the official pattern wants it (no whitespace). */
function cleanUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return /\s/.test(url) ? parsed.href : url;
  } catch {
    return null;
  }
}

function remotesOf(row: McpServerVersionView): OfficialRemote[] | undefined {
  if (row.transport === 'stdio' || row.url === null) return undefined;
  const url = cleanUrl(row.url);
  if (url === null) return undefined;
  const headers = headersOf(row);
  const type = row.transport === 'sse' ? 'sse' : 'streamable-http';
  return [{ type, url, ...(headers ? { headers } : {}) }];
}

/** The logo as an icon: HTTPS only and at most 255 characters, as the official schema says. */
function iconsOf(row: McpServerVersionView): { src: string; mimeType?: string }[] | undefined {
  if (row.logoUrl === null) return undefined;
  const src = cleanUrl(row.logoUrl);
  if (src === null || !src.startsWith('https://') || src.length > 255) return undefined;
  const extension = /\.([a-z]+)$/i.exec(new URL(src).pathname)?.[1]?.toLowerCase();
  const mimeType = extension ? ICON_TYPES[extension] : undefined;
  return [{ src, ...(mimeType ? { mimeType } : {}) }];
}

/** The one shape of an entry of the official registry API. */
export function toOfficialServer(
  row: McpServerVersionView,
  options: EntryOptions,
): OfficialServerResponse {
  const live = row.status === 'active';
  const connection = live && options.showConnection;
  const remotes = connection ? remotesOf(row) : undefined;
  const packages = connection ? packagesOf(row) : undefined;
  const icons = iconsOf(row);
  const ours: Record<string, unknown> = { serverId: row.serverId };
  if (row.health) {
    ours.status = row.health.status;
    ours.lastHealthCheck = row.health.lastHealthCheck?.toISOString() ?? null;
    ours.toolsFingerprint = row.health.toolsFingerprint;
  }
  if (options.showAccessGroups) {
    ours.accessGroups = accessGroupsOfText(row.accessGroups);
  }
  return {
    server: {
      name: `${row.namespace}/${row.alias}`,
      description: row.description,
      title: row.title,
      version: row.version,
      ...(icons ? { icons } : {}),
      ...(remotes ? { remotes } : {}),
      ...(packages ? { packages } : {}),
    },
    _meta: {
      [OFFICIAL_META]: {
        status: row.status,
        publishedAt: row.publishedAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
        isLatest: row.isLatest,
      },
      [REGISTRY_META]: ours,
    },
  };
}

/** `ServerList`: `metadata.nextCursor` only while there is a next page (the schema's string). */
export function toOfficialList(
  rows: McpServerVersionView[],
  options: EntryOptions,
  nextCursor: string | null = null,
): { servers: OfficialServerResponse[]; metadata: { count: number; nextCursor?: string } } {
  return {
    servers: rows.map((row) => toOfficialServer(row, options)),
    metadata: { count: rows.length, ...(nextCursor ? { nextCursor } : {}) },
  };
}
