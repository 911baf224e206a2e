import { ConflictError } from '@app/core';
import { McpServerConflict, McpServerConflictField } from '@app/dal';

/** A taken server id, name or alias of the organization: a 409 naming the field. */
export function conflictError(field: McpServerConflictField): ConflictError {
  return new ConflictError(`A server with this ${field} already exists in the organization`, field);
}

/** A unique index refusing a write (a concurrent twin got there first) is the same 409. */
export async function conflictsAs409<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof McpServerConflict) throw conflictError(error.field);
    throw error;
  }
}
