import { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

type Work<T> = (manager: EntityManager) => Promise<T>;

/**
 * The app's DataSource. On SQLite, better-sqlite3 gives TypeORM one shared connection: two
 * transactions open at once would interleave on it, and one's rollback would undo the other's
 * rows. Here transactions take turns on SQLite; MySQL pools connections and runs them as usual.
 */
export class AppDataSource extends DataSource {
  private turn: Promise<unknown> = Promise.resolve();

  override transaction<T>(work: Work<T>): Promise<T>;
  override transaction<T>(isolationLevel: IsolationLevel, work: Work<T>): Promise<T>;
  override transaction<T>(levelOrWork: IsolationLevel | Work<T>, maybeWork?: Work<T>): Promise<T> {
    const run = () =>
      typeof levelOrWork === 'function'
        ? super.transaction(levelOrWork)
        : super.transaction(levelOrWork, maybeWork!);
    if (this.options.type !== 'better-sqlite3') return run();
    const result = this.turn.then(run);
    this.turn = result.catch(() => undefined);
    return result;
  }
}
