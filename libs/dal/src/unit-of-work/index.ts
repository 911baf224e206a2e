export type { Transaction } from './transaction';
export * from './unit-of-work';
