import { AppError } from '@app/core';
import type { Principal, Role } from '@app/auth';
import { assertMayDefineStdio } from './stdio-permission';

function principal(role: Role): Principal {
  return {
    keyId: 'key_1',
    userId: 'usr_1',
    organizationId: role === 'platform_admin' ? null : 'org_abc',
    role,
    accessGroups: [],
    teamIds: [],
    requestId: 'req_1',
  };
}

function statusOf(run: () => void): number | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.status : -1;
  }
}

describe('assertMayDefineStdio', () => {
  const stdio = { transport: 'stdio' };
  const sse = { transport: 'sse' };

  it.each([
    ['create', null, stdio],
    ['replace', stdio, stdio],
    ['change to stdio', sse, stdio],
    ['change from stdio', stdio, sse],
    ['delete', stdio, null],
  ] as const)('refuses an org admin to %s a stdio server (403)', (_what, before, after) => {
    expect(statusOf(() => assertMayDefineStdio(principal('org_admin'), before, after))).toBe(403);
  });

  it.each([
    ['create', null, stdio],
    ['change to stdio', sse, stdio],
    ['delete', stdio, null],
  ] as const)('lets a platform admin %s a stdio server', (_what, before, after) => {
    expect(statusOf(() => assertMayDefineStdio(principal('platform_admin'), before, after))).toBe(
      null,
    );
  });

  it('leaves network servers to org admins', () => {
    expect(statusOf(() => assertMayDefineStdio(principal('org_admin'), null, sse))).toBeNull();
    expect(statusOf(() => assertMayDefineStdio(principal('org_admin'), sse, {}))).toBeNull();
    expect(statusOf(() => assertMayDefineStdio(principal('org_admin'), sse, null))).toBeNull();
  });
});
