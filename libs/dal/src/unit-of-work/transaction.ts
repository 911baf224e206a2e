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

/** A handle for `manager` until `closeTransaction`. */
export function openTransaction(manager: EntityManager): Transaction {
  const tx = Object.freeze({}) as Transaction;
  managers.set(tx, manager);
  return tx;
}

export function closeTransaction(tx: Transaction): void {
  managers.delete(tx);
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
