import type { McpServerVersionEntity } from '../../entities/mcp-server-version.entity';
import type { McpServerStatus } from '../../entities/mcp-server.entity';

/**
 * Which version rows of an organization a reader may see: all of them; those without access
 * groups or sharing one of `accessGroups` (and whatever the organization's public catalog serves
 * anyone); or only the public catalog (an anonymous reader, once the catalog is known public).
 */
export type VersionVisibility =
  { wholeOrganization: true } | { accessGroups: readonly string[] } | { publicOnly: true };

export interface VersionListFilter {
  /** Substring of the name or the description, any case. */
  search?: string;
  /** Rows changed after this instant (deleted ones included whatever includeDeleted says). */
  updatedSince?: Date;
  /** `latest`, or one exact version. */
  version?: string;
  includeDeleted: boolean;
}

/** A page in (organization, alias key, version) order, after the last row of the previous one. */
export interface VersionPage {
  limit: number;
  after?: VersionPosition;
}

export interface VersionPosition {
  organizationId: string;
  aliasKey: string;
  version: string;
}

/** The live server's health, on the row of its current version. */
export interface VersionHealth {
  status: McpServerStatus;
  lastHealthCheck: Date | null;
  /** The fingerprint of the tools the last probe listed (issue 15), null before one. */
  toolsFingerprint: string | null;
}

export interface McpServerVersionView extends McpServerVersionEntity {
  /** Null for older versions, tombstones, and a server whose row is gone. */
  health: VersionHealth | null;
}

/** One version of a name: `latest` or an exact version. */
export type VersionSelector = { latest: true } | { version: string };
