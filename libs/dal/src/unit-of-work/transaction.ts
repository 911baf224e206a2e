import type { DataSource, EntityManager } from 'typeorm';

declare const opaque: unique symbol;

/**
 * A unit of work in progress (UnitOfWork.run hands it to its work). Repository methods take it
 * to run inside that unit; outside libs/dal it is opaque, so services hold a transaction without
 * seeing TypeORM. It stops working when its unit ends.
 */
export interface Transaction {
  readonly [opaque]: 'Transaction';
}

const managers = new WeakMap<Transaction, EntityManager>();
const commitHooks = new WeakMap<Transaction, (() => void)[]>();

/**
 * A handle for `manager` until `closeTransaction`; `hooks` collects what `afterCommit` asks to
 * run once the unit has committed (its owner runs them).
 */
export function openTransaction(manager: EntityManager, hooks: (() => void)[] = []): Transaction {
  const tx = Object.freeze({}) as Transaction;
  managers.set(tx, manager);
  commitHooks.set(tx, hooks);
  return tx;
}

export function closeTransaction(tx: Transaction): void {
  managers.delete(tx);
  commitHooks.delete(tx);
}

/**
 * Runs `hook` once the unit `tx` belongs to has committed (the outermost one, when units are
 * joined), never when it rolls back: what others may only learn of a committed write (a wake-up
 * of long-polling readers, a metric) waits for the commit. Hooks run synchronously, in order,
 * and must not throw (a throw is swallowed: the write is committed whatever the hook does).
 */
export function afterCommit(tx: Transaction, hook: () => void): void {
  const hooks = commitHooks.get(tx);
  if (!hooks) throw new Error('A transaction was used after its unit of work ended');
  hooks.push(hook);
}

/** Runs hooks collected by afterCommit (the unit's owner calls it after its commit). */
export function runCommitHooks(hooks: readonly (() => void)[]): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // The write committed; a failing notification must not turn it into an error.
    }
  }
}

export function isOpen(tx: Transaction): boolean {
  return managers.has(tx);
}

/**
 * The EntityManager a repository query runs on: the unit's when `tx` is given, else the
 * DataSource's (a statement of its own). A handle whose unit has ended is refused: its query
 * would land on a released connection, or outside the transaction it was written for.
 */
export function managerOf(tx: Transaction | undefined, dataSource: DataSource): EntityManager {
  if (tx === undefined) return dataSource.manager;
  const manager = managers.get(tx);
  if (!manager) throw new Error('A transaction was used after its unit of work ended');
  return manager;
}
