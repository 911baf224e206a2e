import type { MigrationInterface } from 'typeorm';
import { Foundation1763900000000 } from './1763900000000-foundation';

/** Every migration, in order. Both databases run this one list. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [Foundation1763900000000];
