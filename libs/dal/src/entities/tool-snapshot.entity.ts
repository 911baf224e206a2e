import { Column, Entity, PrimaryColumn } from 'typeorm';
import { JSON_COLUMN } from './json-column';
import { utcDate } from './timestamp.transformer';

/** What owns a tool baseline: a registry server or a custom configuration. */
export const TOOL_OWNER_KINDS = ['mcp_server', 'mcp_configuration'] as const;
export type ToolOwnerKind = (typeof TOOL_OWNER_KINDS)[number];

/** How a baseline came to be: the first successful probe, or an admin's approval. */
export const BASELINE_SOURCES = ['first_probe', 'approved'] as const;
export type BaselineSource = (typeof BASELINE_SOURCES)[number];

/** One tool as stored in a snapshot: its whole wire object and its fingerprint. */
export interface StoredToolDefinition {
  name: string;
  fingerprint: string;
  definition: Record<string, unknown>;
}

/** A tool's name and fingerprint: what drift and the allowed-tools check compare. */
export interface StoredToolPrint {
  name: string;
  fingerprint: string;
}

/**
 * The approved baseline and the last observation of one server's (or configuration's) tools.
 * The `*_index` columns repeat each side's names and fingerprints without the definitions, so
 * serving `/tools` reads a few kilobytes, not every schema. The owner's own row carries the
 * set fingerprint and the drift (what lists and the CI gate read).
 */
@Entity('tool_snapshots')
export class ToolSnapshotEntity {
  @PrimaryColumn({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  @PrimaryColumn({ name: 'resource_type', type: 'varchar', length: 32 })
  resourceType!: ToolOwnerKind;

  /** `server_id` or the configuration's `id`. */
  @PrimaryColumn({ name: 'resource_id', type: 'varchar', length: 64 })
  resourceId!: string;

  /** Null until a baseline exists (TOOL_BASELINE_AUTO=false and nothing approved yet). */
  @Column({ name: 'baseline_fingerprint', type: 'varchar', length: 64, nullable: true })
  baselineFingerprint!: string | null;

  @Column({ name: 'baseline_tools', type: JSON_COLUMN, nullable: true })
  baselineTools!: StoredToolDefinition[] | null;

  @Column({ name: 'baseline_index', type: JSON_COLUMN, nullable: true })
  baselineIndex!: StoredToolPrint[] | null;

  @Column({ name: 'baseline_source', type: 'varchar', length: 16, nullable: true })
  baselineSource!: BaselineSource | null;

  @Column({
    name: 'baseline_approved_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  baselineApprovedAt!: Date | null;

  /** The approving key's user_id; null for a first-probe baseline. */
  @Column({ name: 'baseline_approved_by', type: 'varchar', length: 64, nullable: true })
  baselineApprovedBy!: string | null;

  @Column({ name: 'observed_fingerprint', type: 'varchar', length: 64 })
  observedFingerprint!: string;

  @Column({ name: 'observed_tools', type: JSON_COLUMN })
  observedTools!: StoredToolDefinition[];

  @Column({ name: 'observed_index', type: JSON_COLUMN })
  observedIndex!: StoredToolPrint[];

  @Column({ name: 'observed_at', type: 'datetime', precision: 3, transformer: utcDate })
  observedAt!: Date;
}
