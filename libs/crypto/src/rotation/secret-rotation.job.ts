import { Logger } from '@nestjs/common';
import { setImmediate as nextTick } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { SecretBox } from '../secret-box';
import { SecretDecryptionError } from '../secret-decryption.error';
import type { ColumnRotationReport, RotationReport } from './rotation-report.interface';
import type { SealedColumnSpec } from './sealed-column-spec.interface';

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
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

interface SealedRow {
  id: string;
  organizationId: string | null;
  sealed: string;
}

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
    private readonly dataSource: DataSource,
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
    for (const name of [spec.table, spec.idColumn, spec.organizationColumn, spec.column]) {
      // Identifiers are interpolated into SQL; they come from code, but a typo must not run.
      if (!IDENTIFIER.test(name)) throw new Error(`invalid identifier in sealed column spec`);
    }
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
      const rows = await this.readBatch(spec, after);
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
      if (await this.compareAndSet(spec, row, resealed)) return 'rotated';
      row = await this.readRow(spec, row.id, organizationId);
    }
    if (row === null) return 'skipped';
    if (this.box.isSealedWithActiveKey(row.sealed)) return 'skipped';
    this.logger.warn(`Row ${row.id} of ${spec.table} kept changing during rotation; run again`);
    return 'failed';
  }

  private quote(name: string): string {
    return this.dataSource.driver.escape(name);
  }

  private selectRows(spec: SealedColumnSpec) {
    const q = (name: string) => `t.${this.quote(name)}`;
    return this.dataSource
      .createQueryBuilder()
      .select(q(spec.idColumn), 'id')
      .addSelect(q(spec.organizationColumn), 'organization_id')
      .addSelect(q(spec.column), 'sealed')
      .from(spec.table, 't')
      .where(`${q(spec.column)} IS NOT NULL`);
  }

  private async readBatch(
    spec: SealedColumnSpec,
    after: SealedRow | undefined,
  ): Promise<SealedRow[]> {
    const query = this.selectRows(spec);
    const id = `t.${this.quote(spec.idColumn)}`;
    // A row without an organization sorts first and is reported as failed; '' stands for it.
    const organization = `COALESCE(t.${this.quote(spec.organizationColumn)}, '')`;
    if (after !== undefined) {
      query.andWhere(
        `(${id} > :afterId OR (${id} = :afterId AND ${organization} > :afterOrganization))`,
        { afterId: after.id, afterOrganization: after.organizationId ?? '' },
      );
    }
    const raw = await query
      .orderBy(id, 'ASC')
      .addOrderBy(organization, 'ASC')
      .limit(this.batchSize)
      .getRawMany<{ id: string; organization_id: string | null; sealed: string }>();
    return raw.map(toSealedRow);
  }

  private async readRow(
    spec: SealedColumnSpec,
    id: string,
    organizationId: string,
  ): Promise<SealedRow | null> {
    const raw = await this.selectRows(spec)
      .andWhere(`t.${this.quote(spec.idColumn)} = :id`, { id })
      .andWhere(`t.${this.quote(spec.organizationColumn)} = :organizationId`, { organizationId })
      .getRawOne<{ id: string; organization_id: string | null; sealed: string }>();
    return raw ? toSealedRow(raw) : null;
  }

  private async compareAndSet(
    spec: SealedColumnSpec,
    row: SealedRow,
    resealed: string,
  ): Promise<boolean> {
    // Raw SQL: the table may or may not have an entity, and only its column names are known.
    const sql =
      `UPDATE ${this.quote(spec.table)} SET ${this.quote(spec.column)} = ? ` +
      `WHERE ${this.quote(spec.idColumn)} = ? AND ${this.quote(spec.organizationColumn)} = ?` +
      ` AND ${this.quote(spec.column)} = ?`;
    const runner = this.dataSource.createQueryRunner();
    let result: { affected?: number };
    try {
      result = await runner.query(sql, [resealed, row.id, row.organizationId, row.sealed], true);
    } finally {
      await runner.release();
    }
    return result.affected === 1;
  }
}

function toSealedRow(raw: {
  id: string;
  organization_id: string | null;
  sealed: string;
}): SealedRow {
  return { id: String(raw.id), organizationId: raw.organization_id, sealed: String(raw.sealed) };
}
