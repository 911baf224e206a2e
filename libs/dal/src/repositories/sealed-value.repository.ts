import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertIdentifiers } from '../dialect';
import type { SealedColumn } from '../sealed-columns';
import { managerOf } from '../unit-of-work/transaction';
import { UnitOfWork } from '../unit-of-work/unit-of-work';

/** One stored sealed value and the row it belongs to. */
export interface SealedValueRow {
  id: string;
  organizationId: string | null;
  sealed: string;
}

/**
 * Sealed values of any column in SEALED_COLUMNS, for the key-rotation job: keyset batches by
 * (id, organization) (an id may be unique per organization only, as registry server ids are),
 * one row, and a compare-and-set on the old ciphertext. Raw SQL: a column is named by its spec.
 */
@Injectable()
export class SealedValueRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** The rows after `after` (all rows when undefined) holding a value, `limit` at most. */
  async readBatch(
    spec: SealedColumn,
    after: SealedValueRow | undefined,
    limit: number,
  ): Promise<SealedValueRow[]> {
    const query = this.selectRows(spec);
    const id = `t.${this.quote(spec.idColumn)}`;
    // A row without an organization sorts first; '' stands for it.
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
      .limit(limit)
      .getRawMany<RawSealedRow>();
    return raw.map(toSealedRow);
  }

  async readRow(
    spec: SealedColumn,
    id: string,
    organizationId: string,
  ): Promise<SealedValueRow | null> {
    const raw = await this.selectRows(spec)
      .andWhere(`t.${this.quote(spec.idColumn)} = :id`, { id })
      .andWhere(`t.${this.quote(spec.organizationColumn)} = :organizationId`, { organizationId })
      .getRawOne<RawSealedRow>();
    return raw ? toSealedRow(raw) : null;
  }

  /** Writes `resealed` only while the row still holds `row.sealed`; false when it changed. */
  async replaceIfUnchanged(
    spec: SealedColumn,
    row: SealedValueRow,
    resealed: string,
  ): Promise<boolean> {
    const sql =
      `UPDATE ${this.quote(spec.table)} SET ${this.quote(spec.column)} = ? ` +
      `WHERE ${this.quote(spec.idColumn)} = ? AND ${this.quote(spec.organizationColumn)} = ?` +
      ` AND ${this.quote(spec.column)} = ?`;
    const params = [resealed, row.id, row.organizationId, row.sealed];
    // One statement, correct on its own (SQLite still runs it as a turn on its one connection).
    return this.unitOfWork.run({ atomic: false }, async (tx) => {
      const manager = managerOf(tx, this.dataSource);
      // A query runner's structured result carries the affected row count on both drivers.
      const runner = manager.queryRunner ?? this.dataSource.createQueryRunner();
      try {
        const result: { affected?: number } = await runner.query(sql, params, true);
        return result.affected === 1;
      } finally {
        if (runner !== manager.queryRunner) await runner.release();
      }
    });
  }

  private quote(name: string): string {
    return this.dataSource.driver.escape(this.checked(name));
  }

  private checked(name: string): string {
    assertIdentifiers(name);
    return name;
  }

  private selectRows(spec: SealedColumn) {
    const q = (name: string) => `t.${this.quote(name)}`;
    return this.dataSource
      .createQueryBuilder()
      .select(q(spec.idColumn), 'id')
      .addSelect(q(spec.organizationColumn), 'organization_id')
      .addSelect(q(spec.column), 'sealed')
      .from(this.checked(spec.table), 't')
      .where(`${q(spec.column)} IS NOT NULL`);
  }
}

interface RawSealedRow {
  id: string;
  organization_id: string | null;
  sealed: string;
}

function toSealedRow(raw: RawSealedRow): SealedValueRow {
  return { id: String(raw.id), organizationId: raw.organization_id, sealed: String(raw.sealed) };
}
