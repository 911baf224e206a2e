export * from './dialect';
export * from './data-source-options';
export * from './database.module';
export * from './migrate';
export * from './entities/timestamp.transformer';
export { MIGRATIONS } from './migrations';
export * from './entities/audit-event.entity';
