export type { Transaction } from './transaction';
export { afterCommit } from './transaction';
export * from './unit-of-work';
