import type { SealedColumnSpec } from './sealed-column-spec.interface';

/** One stored sealed value and the row it belongs to. */
export interface SealedRow {
  id: string;
  organizationId: string | null;
  sealed: string;
}

/**
 * Where the rotation job reads and rewrites sealed values (libs/dal's SealedValueRepository):
 * keyset batches ordered by (id, organization), one row, and a compare-and-set on the old
 * ciphertext, so a value rewritten meanwhile is never overwritten.
 */
export interface SealedValueStore {
  readBatch(
    spec: SealedColumnSpec,
    after: SealedRow | undefined,
    limit: number,
  ): Promise<SealedRow[]>;
  readRow(spec: SealedColumnSpec, id: string, organizationId: string): Promise<SealedRow | null>;
  replaceIfUnchanged(spec: SealedColumnSpec, row: SealedRow, resealed: string): Promise<boolean>;
}
