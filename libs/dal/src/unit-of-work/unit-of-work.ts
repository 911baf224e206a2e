import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { dialectOfConnection, sharesOneConnection } from '../dialect';
import {
  closeTransaction,
  isOpen,
  openTransaction,
  runCommitHooks,
  Transaction,
} from './transaction';

export interface UnitOptions {
  /**
   * false: the work's statements are each correct on their own, so it need not be one
   * transaction. MySQL then runs them as they come (on pooled connections; a background job's
   * throughput is bound by these round trips), while SQLite, whose one shared connection would
   * slip a bare statement into another caller's open transaction, still runs them as a turn.
   */
  atomic: false;
}

interface OpenUnit {
  dataSource: DataSource;
  tx: Transaction;
  /** A real transaction (false: MySQL statements run as they come). */
  inTransaction: boolean;
}

/** The units open around the running code, so a nested run joins its caller's. */
const open = new AsyncLocalStorage<OpenUnit>();

/**
 * The one way to run a transaction. `run(work)` hands `work` a Transaction to pass to
 * repository methods; it commits when `work` resolves and rolls back when it throws. The
 * AppDataSource bounds every transaction by the database deadline (DB_QUERY_TIMEOUT_MS from
 * the moment it is asked for, limits/) and, on SQLite, makes transactions take turns on the
 * one connection. A run inside another run (a service calling a service) joins the outer unit
 * instead of waiting for a turn of its own that the outer unit holds.
 */
@Injectable()
export class UnitOfWork {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  run<T>(options: UnitOptions, work: (tx: Transaction) => Promise<T>): Promise<T>;
  run<T>(
    optionsOrWork: UnitOptions | ((tx: Transaction) => Promise<T>),
    maybeWork?: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    const work = typeof optionsOrWork === 'function' ? optionsOrWork : maybeWork!;
    const atomic = typeof optionsOrWork === 'function' || optionsOrWork.atomic !== false;
    const outer = open.getStore();
    const joinable = outer?.dataSource === this.dataSource && isOpen(outer.tx);
    if (joinable && (outer.inTransaction || !atomic)) {
      return work(outer.tx);
    }
    const hooks: (() => void)[] = [];
    const done =
      !atomic && !sharesOneConnection(dialectOfConnection(this.dataSource))
        ? this.within(this.dataSource.manager, false, hooks, work)
        : this.dataSource.transaction((manager) => this.within(manager, true, hooks, work));
    return done.then((result) => {
      runCommitHooks(hooks);
      return result;
    });
  }

  private async within<T>(
    manager: EntityManager,
    inTransaction: boolean,
    hooks: (() => void)[],
    work: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    const tx = openTransaction(manager, hooks);
    try {
      return await open.run({ dataSource: this.dataSource, tx, inTransaction }, () => work(tx));
    } finally {
      closeTransaction(tx);
    }
  }
}
