import { ForbiddenError } from '@app/core';
import { isPlatformAdmin, Principal } from '@app/auth';

const STDIO_WRITE_REFUSED =
  'Only platform admins may create, replace or delete stdio servers, or change a server to or from stdio';

/**
 * A stdio server is a program the registry runs on its own hosts, so defining one is trusted to
 * the operators of those hosts (platform admins) alone. Org admins still see, list and probe the
 * stdio servers of their organization. `before`/`after` are the server as stored and as it would
 * be written; null where there is none (create, delete).
 */
export function assertMayDefineStdio(
  principal: Principal,
  before: { transport: string } | null,
  after: { transport?: string | null } | null,
): void {
  if (isPlatformAdmin(principal)) return;
  if (before?.transport === 'stdio' || after?.transport === 'stdio') {
    throw new ForbiddenError(STDIO_WRITE_REFUSED);
  }
}
