/** What one rotation run did to one sealed column. */
export interface ColumnRotationReport {
  table: string;
  column: string;
  /** Rows holding a sealed value that the run looked at. */
  scanned: number;
  /** Rows re-encrypted under the active key by this run. */
  rotated: number;
  /** Rows already under the active key, or rewritten/cleared by someone else meanwhile. */
  skipped: number;
  /** Rows whose value could not be opened (wrong row, unknown key, corrupt); ids are logged. */
  failed: number;
}

export interface RotationReport {
  activeKeyId: string;
  columns: ColumnRotationReport[];
  failed: number;
  durationMs: number;
}
