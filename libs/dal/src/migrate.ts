import { DataSource, MigrationExecutor } from 'typeorm';
import { dialectOfConnection } from './dialect';

/**
 * Runs pending migrations. On MySQL a named lock serialises replicas that start together, so
 * only one applies each migration; SQLite is single-writer already.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  if (dialectOfConnection(dataSource) !== 'mysql') {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // Named after the database, so unrelated databases on one server never wait on each other.
    const [current] = (await runner.query('SELECT DATABASE() AS db')) as { db: string | null }[];
    const lockName = `mcp_registry_migrations:${current?.db ?? ''}`.slice(0, 64);
    const [row] = (await runner.query('SELECT GET_LOCK(?, 120) AS locked', [lockName])) as {
      locked: number | string;
    }[];
    if (Number(row?.locked) !== 1) throw new Error('Timed out waiting for the migration lock');
    try {
      // On the connection that holds the lock, so a pool of one connection is enough. MySQL DDL
      // auto-commits, so each migration is its own unit.
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'none';
      return (await executor.executePendingMigrations()).map((m) => m.name);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [lockName]);
    }
  } finally {
    await runner.release();
  }
}
