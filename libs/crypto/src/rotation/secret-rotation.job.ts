import { Logger } from '@nestjs/common';
import { setImmediate as nextTick } from 'node:timers/promises';
import { SecretBox } from '../secret-box';
import { SecretDecryptionError } from '../secret-decryption.error';
import type { ColumnRotationReport, RotationReport } from './rotation-report.interface';
import type { SealedColumnSpec } from './sealed-column-spec.interface';
import type { SealedRow, SealedValueStore } from './sealed-value-store.interface';

export interface SecretRotationOptions {
  /** Rows read per query; each row is still written on its own. */
  batchSize?: number;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
  /** Called after each batch with the column's running counts (progress output, tests). */
  onBatch?: (progress: ColumnRotationReport) => void;
}

const DEFAULT_BATCH_SIZE = 200;
/** A row rewritten this often while we try to rotate it is left to the next run. */
const MAX_ATTEMPTS_PER_ROW = 5;

type RowOutcome = 'rotated' | 'skipped' | 'failed';

/**
 * Re-encrypts every sealed value that is not under the active key, while the service keeps
 * running. Rows are read in keyset batches by (id, organization) (an id may be unique per
 * organization only, as registry server ids are) and each one is written with a compare-and-set
 * on its old ciphertext, so a value the API rewrote in between is never overwritten; it is
 * re-read instead. Running it again does nothing new (idempotent).
 */
export class SecretRotationJob {
  private readonly batchSize: number;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private readonly onBatch: (progress: ColumnRotationReport) => void;

  constructor(
    private readonly store: SealedValueStore,
    private readonly box: SecretBox,
    options: SecretRotationOptions = {},
  ) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new RangeError('batchSize must be an integer from 1 to 10000');
    }
    this.batchSize = batchSize;
    this.logger = options.logger ?? new Logger('SecretRotation');
    this.onBatch = options.onBatch ?? (() => undefined);
  }

  async run(columns: readonly SealedColumnSpec[]): Promise<RotationReport> {
    const started = Date.now();
    const reports: ColumnRotationReport[] = [];
    for (const column of columns) reports.push(await this.rotateColumn(column));
    return {
      activeKeyId: this.box.activeKeyId,
      columns: reports,
      failed: reports.reduce((sum, report) => sum + report.failed, 0),
      durationMs: Date.now() - started,
    };
  }

  async rotateColumn(spec: SealedColumnSpec): Promise<ColumnRotationReport> {
    const report: ColumnRotationReport = {
      table: spec.table,
      column: spec.column,
      scanned: 0,
      rotated: 0,
      skipped: 0,
      failed: 0,
    };
    let after: SealedRow | undefined;
    for (;;) {
      const rows = await this.store.readBatch(spec, after, this.batchSize);
      if (rows.length === 0) break;
      for (const row of rows) {
        report.scanned += 1;
        report[await this.rotateRow(spec, row)] += 1;
      }
      after = rows[rows.length - 1];
      this.onBatch({ ...report });
      if (rows.length < this.batchSize) break;
      // SQLite drivers are synchronous: yield so an API sharing this process keeps serving.
      await nextTick();
    }
    this.logger.log(
      `Rotated ${spec.table}.${spec.column}: scanned ${report.scanned}, rotated ${report.rotated}, ` +
        `skipped ${report.skipped}, failed ${report.failed}`,
    );
    return report;
  }

  private async rotateRow(spec: SealedColumnSpec, first: SealedRow): Promise<RowOutcome> {
    let row: SealedRow | null = first;
    for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_ROW && row; attempt += 1) {
      const organizationId = row.organizationId;
      if (!organizationId) {
        this.logger.error(`Cannot rotate ${spec.table} row ${row.id}: it has no organization id`);
        return 'failed';
      }
      const aad = { resourceType: spec.resourceType, resourceId: row.id, organizationId };
      let resealed: string;
      try {
        // reseal opens active-key values too, so corrupt or misplaced rows are reported.
        resealed = this.box.reseal(row.sealed, aad);
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        this.logger.error(
          `Cannot rotate ${spec.table} row ${row.id}: stored value could not be decrypted ` +
            `(${error.reason}${error.keyId ? `, key id ${error.keyId}` : ''})`,
        );
        return 'failed';
      }
      if (resealed === row.sealed) return 'skipped';
      if (await this.store.replaceIfUnchanged(spec, row, resealed)) return 'rotated';
      row = await this.store.readRow(spec, row.id, organizationId);
    }
    if (row === null) return 'skipped';
    if (this.box.isSealedWithActiveKey(row.sealed)) return 'skipped';
    this.logger.warn(`Row ${row.id} of ${spec.table} kept changing during rotation; run again`);
    return 'failed';
  }
}
