import type { DataSource, EntityMetadata } from 'typeorm';
import type { Table, TableColumn } from 'typeorm';

/**
 * Where the migrated schema may say more than an entity can: each pair is [what the entity's
 * column type normalises to, what the migration deliberately creates instead], with the reason.
 */
const REFINEMENTS: Record<string, Record<string, string[]>> = {
  mysql: {
    // JSON documents and sealed secrets outgrow TEXT's 64 KiB; entities cannot name MEDIUMTEXT
    // and still load on SQLite.
    text: ['mediumtext'],
  },
  sqlite: {
    // SQLite has no integer widths: INT and INTEGER are the same affinity (and an AUTOINCREMENT
    // key must be declared INTEGER, whatever width the entity names).
    int: ['integer'],
    integer: ['int'],
    bigint: ['integer'],
  },
};

function dialectOf(dataSource: DataSource): 'mysql' | 'sqlite' {
  return dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb'
    ? 'mysql'
    : 'sqlite';
}

/** The tables of the connection's database (its own, not the server's others). */
async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] =
    dialectOf(dataSource) === 'mysql'
      ? await dataSource.query(
          'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
        )
      : await dataSource.query(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        );
  return rows.map((row) => row.name).sort();
}

/** A default as both sides spell it: numbers and quoted strings without their decoration. */
function normalDefault(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  let text = String(value).trim();
  while (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  // MariaDB quotes every default, strings twice ('NULL', '0', ''unknown'').
  while (/^'.*'$/.test(text)) text = text.slice(1, -1);
  if (text === 'NULL') return undefined;
  if (text === 'true') return '1';
  if (text === 'false') return '0';
  return text;
}

function columnDifferences(
  dataSource: DataSource,
  metadata: EntityMetadata,
  table: Table,
): string[] {
  const dialect = dialectOf(dataSource);
  const driver = dataSource.driver;
  const differences: string[] = [];
  const at = (column: string) => `${metadata.tableName}.${column}`;
  for (const column of metadata.columns) {
    const actual: TableColumn | undefined = table.findColumnByName(column.databaseName);
    if (!actual) {
      differences.push(`${at(column.databaseName)}: declared by the entity, not in the database`);
      continue;
    }
    const type = driver.normalizeType(column).toLowerCase();
    const actualType = actual.type.toLowerCase();
    if (actualType !== type && !(REFINEMENTS[dialect][type] ?? []).includes(actualType)) {
      differences.push(`${at(actual.name)}: type ${actualType}, entity says ${type}`);
    }
    if (['varchar', 'char', 'nvarchar'].includes(type)) {
      const length = driver.getColumnLength(column);
      if (String(actual.length) !== String(length)) {
        differences.push(`${at(actual.name)}: length ${actual.length}, entity says ${length}`);
      }
    }
    if (
      dialect === 'mysql' &&
      type === 'datetime' &&
      (column.precision ?? 0) !== (actual.precision ?? 0)
    ) {
      differences.push(
        `${at(actual.name)}: precision ${actual.precision}, entity says ${column.precision}`,
      );
    }
    if (actual.isNullable !== column.isNullable) {
      differences.push(
        `${at(actual.name)}: ${actual.isNullable ? 'nullable' : 'not null'}, entity says ${column.isNullable ? 'nullable' : 'not null'}`,
      );
    }
    if (actual.isPrimary !== column.isPrimary) {
      differences.push(
        `${at(actual.name)}: primary key ${actual.isPrimary}, entity says ${column.isPrimary}`,
      );
    }
    const declared = normalDefault(driver.normalizeDefault(column));
    const stored = normalDefault(actual.default);
    if (declared !== stored) {
      differences.push(`${at(actual.name)}: default ${stored}, entity says ${declared}`);
    }
  }
  for (const actual of table.columns) {
    if (!metadata.columns.some((column) => column.databaseName === actual.name)) {
      differences.push(`${at(actual.name)}: in the database, not declared by the entity`);
    }
  }
  return differences;
}

function indexDifferences(metadata: EntityMetadata, table: Table): string[] {
  const describe = (name: string | undefined, columns: string[], unique: boolean) =>
    `${unique ? 'unique ' : ''}${name} (${columns.join(', ')})`;
  const declared = [
    ...metadata.indices.map((index) =>
      describe(
        index.name,
        index.columns.map((column) => column.databaseName),
        index.isUnique,
      ),
    ),
    ...metadata.uniques.map((unique) =>
      describe(
        unique.name,
        unique.columns.map((column) => column.databaseName),
        true,
      ),
    ),
  ].sort();
  // MySQL keeps a unique constraint as a unique index; SQLite as a constraint.
  const actual = [
    ...table.indices.map((index) => describe(index.name, index.columnNames, index.isUnique)),
    ...table.uniques.map((unique) => describe(unique.name, unique.columnNames, true)),
  ].sort();
  const differences: string[] = [];
  for (const index of new Set([...declared, ...actual])) {
    const inEntity = declared.filter((item) => item === index).length;
    const inDatabase = actual.filter((item) => item === index).length;
    if (inEntity !== inDatabase) {
      differences.push(
        `${metadata.tableName}: index ${index} ${inDatabase} time(s) in the database, ${inEntity} in the entity`,
      );
    }
  }
  return differences;
}

/**
 * Tables the migrations create that no entity maps: the migration log, and the per-organization
 * counters (registry revisions, event sequences: written with one atomic SQL increment, never
 * loaded as an entity).
 */
export const TABLES_WITHOUT_ENTITY = ['event_sequences', 'registry_revisions', 'schema_migrations'];

/**
 * How the schema in the database differs from what the entities declare: tables, columns (type,
 * length, datetime precision, nullability, primary key, default) and indexes (name, columns in
 * order, uniqueness). Not compared: foreign keys and MySQL collations, which only the migrations
 * state (entities carry no relations: each app loads only the entities it uses, so an entity
 * naming another's table could not load in the health worker).
 */
export async function schemaDifferences(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const metadatas = dataSource.entityMetadatas.filter((m) => m.tableType === 'regular');
    const differences: string[] = [];
    const mapped = metadatas.map((metadata) => metadata.tableName);
    for (const name of await tableNames(dataSource)) {
      if (!mapped.includes(name) && !TABLES_WITHOUT_ENTITY.includes(name)) {
        differences.push(`${name}: in the database, no entity maps it`);
      }
    }
    const tables = await runner.getTables(metadatas.map((metadata) => metadata.tablePath));
    for (const metadata of metadatas) {
      const table = tables.find((item) => item.name.split('.').pop() === metadata.tableName);
      if (!table) {
        differences.push(`${metadata.tableName}: declared by an entity, not in the database`);
        continue;
      }
      differences.push(...columnDifferences(dataSource, metadata, table));
      differences.push(...indexDifferences(metadata, table));
    }
    return differences;
  } finally {
    await runner.release();
  }
}
