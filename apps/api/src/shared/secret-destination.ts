import { ValidationError } from '@app/core';

export const RESEND_SECRET_MESSAGE = 'send the secret again when the destination changes';

/**
 * Where stored secrets go when the registry uses them: the origin of the URL a probe dials, the
 * transport, the command a stdio child runs, and how the secret is presented (auth_type). Leave
 * out what a resource does not have.
 */
export interface SecretDestination {
  transport?: string | null;
  url?: string | null;
  command?: string | null;
  authType?: string | null;
}

/** scheme://host:port, with default ports and host case normalized; anything unparsable as is. */
export function originOf(url: string | null | undefined): string | null {
  if (url === null || url === undefined || url === '') return null;
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
    return `${parsed.protocol}//${parsed.hostname}:${port}`;
  } catch {
    return `unparsed:${url}`;
  }
}

/** The names of what differs between two destinations (`url`, `transport`, …). */
export function destinationChanges(before: SecretDestination, after: SecretDestination): string[] {
  const changes: string[] = [];
  if (originOf(before.url) !== originOf(after.url)) changes.push('url');
  if ((before.transport ?? null) !== (after.transport ?? null)) changes.push('transport');
  if ((before.command ?? null) !== (after.command ?? null)) changes.push('command');
  if ((before.authType ?? null) !== (after.authType ?? null)) changes.push('auth_type');
  return changes;
}

/**
 * A stored secret is kept only for the destination it was given for: when a write keeps one
 * (a "****" sent back, or credentials left out where that means "keep") while the destination
 * changes, the write is refused naming each kept field, so that whoever moves a server must
 * know its secrets. Otherwise anyone allowed to edit a server could send its secret to a host
 * of their own and read it there, past the audited credential read.
 */
export function assertSecretsStayWithDestination(
  before: SecretDestination,
  after: SecretDestination,
  keptFields: readonly string[],
): void {
  if (keptFields.length === 0 || destinationChanges(before, after).length === 0) return;
  throw new ValidationError(
    keptFields.map((field) => ({ field, message: RESEND_SECRET_MESSAGE })),
    'A masked or kept secret may not follow a server to another destination',
  );
}
