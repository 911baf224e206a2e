/**
 * Where sealed values live and how to rebuild each one's AAD: `{resourceType, resourceId: the
 * row's idColumn, organizationId: the row's organizationColumn}`. The database's list is
 * `SEALED_COLUMNS` in libs/dal; this lib only needs its shape.
 */
export interface SealedColumnSpec {
  table: string;
  idColumn: string;
  organizationColumn: string;
  column: string;
  resourceType: string;
}
