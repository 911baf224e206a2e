import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '@app/core';
import { createSuiteDatabase, SuiteDatabase } from '../../../../test/support/test-database';
import { buildDataSourceOptions, ensureMysqlDatabase } from '../data-source-options';
import {
  dialectOf,
  dialectOfConnection,
  driverErrorCode,
  insertOrIncrement,
  insertOrIncrementSql,
  isSqliteBusy,
  isUniqueViolation,
  localDataDir,
  lockRowForWrite,
  sharesOneConnection,
  sqlInstant,
  uniqueViolationMessage,
} from './index';

/** The helpers run against the suite's real database (SQLite, or MySQL with DATABASE_URL). */
describe('dialect helpers on the real database', () => {
  let database: SuiteDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createSuiteDatabase();
    const config = parseDatabaseUrl(database.url, false, 2);
    await ensureMysqlDatabase(config);
    dataSource = await new DataSource(buildDataSourceOptions(config)).initialize();
    await dataSource.query(
      'CREATE TABLE t_items (id VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(32) NOT NULL,' +
        ' at DATETIME(3) NULL)',
    );
    await dataSource.query('CREATE UNIQUE INDEX uq_t_items_name ON t_items (name)');
    await dataSource.query(
      'CREATE TABLE t_counters (owner VARCHAR(32) NOT NULL, shard INT NOT NULL,' +
        ' hits INT NOT NULL, PRIMARY KEY (owner, shard))',
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function failureOf(sql: string, params: unknown[]): Promise<unknown> {
    try {
      await dataSource.query(sql, params);
    } catch (error) {
      return error;
    }
    throw new Error('the statement was expected to fail');
  }

  it('recognises a duplicate primary key as a unique violation', async () => {
    await dataSource.query("INSERT INTO t_items (id, name) VALUES ('pk1', 'first')");
    const error = await failureOf('INSERT INTO t_items (id, name) VALUES (?, ?)', ['pk1', 'x']);
    expect(driverErrorCode(error)).toBe(
      dialectOfConnection(dataSource) === 'mysql' ? 'ER_DUP_ENTRY' : 'SQLITE_CONSTRAINT_PRIMARYKEY',
    );
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('recognises a duplicate unique index value, and its message names the index', async () => {
    await dataSource.query("INSERT INTO t_items (id, name) VALUES ('u1', 'taken')");
    const error = await failureOf('INSERT INTO t_items (id, name) VALUES (?, ?)', ['u2', 'taken']);
    expect(isUniqueViolation(error)).toBe(true);
    // MySQL names the index, SQLite the indexed columns.
    expect(uniqueViolationMessage(error)).toMatch(/uq_t_items_name|t_items\.name/);
  });

  it('does not take other constraint failures for unique violations', async () => {
    const error = await failureOf('INSERT INTO t_items (id, name) VALUES (?, ?)', ['n1', null]);
    expect(driverErrorCode(error)).toBeDefined();
    expect(isUniqueViolation(error)).toBe(false);
    expect(uniqueViolationMessage(error)).toBeNull();
    expect(isSqliteBusy(error)).toBe(false);
  });

  it('inserts a counter at 1, then increments the same key atomically', async () => {
    const bump = (shard: number) =>
      insertOrIncrement(dataSource.manager, 't_counters', { owner: 'o1', shard }, 'hits');
    await bump(3);
    await Promise.all([bump(3), bump(3), bump(4)]);
    const rows: { shard: unknown; hits: unknown }[] = await dataSource.query(
      "SELECT shard, hits FROM t_counters WHERE owner = 'o1' ORDER BY shard",
    );
    expect(rows.map((row) => [Number(row.shard), Number(row.hits)])).toEqual([
      [3, 3],
      [4, 1],
    ]);
  });

  it('binds instants that compare with stored datetimes on both databases', async () => {
    const at = new Date('2025-11-13T10:00:00.123Z');
    await dataSource.query("INSERT INTO t_items (id, name, at) VALUES ('i1', 'instant', ?)", [
      sqlInstant(at),
    ]);
    const count = async (op: string, value: Date) =>
      Number(
        (
          await dataSource.query(
            `SELECT COUNT(*) AS n FROM t_items WHERE id = 'i1' AND at ${op} ?`,
            [sqlInstant(value)],
          )
        )[0].n,
      );
    expect(await count('=', at)).toBe(1);
    expect(await count('<', new Date(at.getTime() + 1))).toBe(1);
    expect(await count('>', new Date(at.getTime() - 1))).toBe(1);
    expect(await count('<', at)).toBe(0);
  });

  it('locks a row for write inside a transaction without changing it', async () => {
    await dataSource.query("INSERT INTO t_items (id, name) VALUES ('l1', 'locked')");
    const read = await dataSource.transaction(async (manager) => {
      await lockRowForWrite(manager, 't_items', 'id = ?', ['l1'], 'name');
      return manager.query("SELECT name FROM t_items WHERE id = 'l1'");
    });
    expect(read).toEqual([{ name: 'locked' }]);
  });
});

describe('dialect rules', () => {
  it('maps driver types to the two dialects', () => {
    expect(dialectOf('mysql')).toBe('mysql');
    expect(dialectOf('mariadb')).toBe('mysql');
    expect(dialectOf('better-sqlite3')).toBe('sqlite');
  });

  it('makes SQLite writes take turns on its one connection, not MySQL', () => {
    expect(sharesOneConnection('sqlite')).toBe(true);
    expect(sharesOneConnection('mysql')).toBe(false);
  });

  it('keeps zero-setup files beside a SQLite file only', () => {
    expect(localDataDir(parseDatabaseUrl('sqlite:/tmp/x/registry.sqlite', false, 1))).toBe(
      '/tmp/x',
    );
    expect(localDataDir(parseDatabaseUrl('mysql://root@localhost:3306/db', false, 1))).toBeNull();
  });

  it('recognises unique violations from either driver, wrapped by TypeORM or not', () => {
    expect(isUniqueViolation({ code: 'ER_DUP_ENTRY' })).toBe(true);
    expect(isUniqueViolation({ driverError: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' } })).toBe(true);
    expect(isUniqueViolation({ driverError: { code: 'SQLITE_CONSTRAINT_UNIQUE' } })).toBe(true);
    expect(isUniqueViolation({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })).toBe(false);
    expect(isUniqueViolation({ code: 'ER_NO_REFERENCED_ROW_2' })).toBe(false);
    expect(isUniqueViolation(new Error('ER_DUP_ENTRY'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });

  it('recognises a busy SQLite database in all its variants', () => {
    expect(isSqliteBusy({ code: 'SQLITE_BUSY' })).toBe(true);
    expect(isSqliteBusy({ driverError: { code: 'SQLITE_BUSY_SNAPSHOT' } })).toBe(true);
    expect(isSqliteBusy({ code: 'SQLITE_LOCKED' })).toBe(false);
  });

  it('writes the upsert each database understands, and refuses odd identifiers', () => {
    expect(insertOrIncrementSql('mysql', 'c', ['a', 'b'], 'n')).toBe(
      'INSERT INTO c (a, b, n) VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE n = n + 1',
    );
    expect(insertOrIncrementSql('sqlite', 'c', ['a', 'b'], 'n')).toBe(
      'INSERT INTO c (a, b, n) VALUES (?, ?, 1) ON CONFLICT (a, b) DO UPDATE SET n = n + 1',
    );
    expect(() => insertOrIncrementSql('sqlite', 'c; DROP TABLE x', ['a'], 'n')).toThrow(
      /invalid SQL identifier/,
    );
  });

  it('renders instants as UTC with milliseconds and no zone', () => {
    expect(sqlInstant(new Date('2025-01-02T03:04:05.006Z'))).toBe('2025-01-02 03:04:05.006');
  });
});
