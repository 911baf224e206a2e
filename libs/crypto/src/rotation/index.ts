export type { ColumnRotationReport, RotationReport } from './rotation-report.interface';
export type { SealedColumnSpec } from './sealed-column-spec.interface';
export { SecretRotationJob } from './secret-rotation.job';
export type { SecretRotationOptions } from './secret-rotation.job';
export type { SealedRow, SealedValueStore } from './sealed-value-store.interface';
