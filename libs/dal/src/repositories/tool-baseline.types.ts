import type {
  BaselineSource,
  StoredToolDefinition,
  StoredToolPrint,
  ToolOwnerKind,
} from '../entities/tool-snapshot.entity';

/* What ToolBaselineRepository takes and returns: owners, drift state, tool sets, baselines. */

/** A server (`server_id`) or configuration (`id`) whose tools have a baseline. */
export interface ToolOwner {
  kind: ToolOwnerKind;
  id: string;
}

/** The drift columns of the owner's own row, and its write version (the ETag's). */
export interface ToolDriftState {
  version: number;
  toolsFingerprint: string | null;
  /** The digest of the listing `toolsFingerprint` was taken from (see listAllTools). */
  toolsDigest: string | null;
  toolsDrift: string | null;
  driftDetectedAt: Date | null;
}

/** What responses show of an owner's drift. */
export type ToolDriftColumns = Pick<
  ToolDriftState,
  'toolsFingerprint' | 'toolsDrift' | 'driftDetectedAt'
>;

/** What an observation writes: the drift and the listing digest its fingerprint belongs to. */
export type ToolObservationColumns = ToolDriftColumns & Pick<ToolDriftState, 'toolsDigest'>;

/** One side of a snapshot: every tool whole, and the index of names and fingerprints. */
export interface ToolSet {
  fingerprint: string;
  tools: StoredToolDefinition[];
  index: StoredToolPrint[];
}

export interface NewBaseline {
  tools: ToolSet;
  source: BaselineSource;
  approvedAt: Date;
  approvedBy: string | null;
}

/** A drifted registry server, for the CI gate and the drift metric. */
export interface DriftedServer {
  serverId: string;
  organizationId: string;
  serverName: string;
  toolsDrift: string;
  driftDetectedAt: Date | null;
}
