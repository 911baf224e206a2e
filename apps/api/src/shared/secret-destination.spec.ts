import { ValidationError } from '@app/core';
import {
  assertSecretsStayWithDestination,
  destinationChanges,
  originOf,
  RESEND_SECRET_MESSAGE,
} from './secret-destination';

function fieldsOf(run: () => void): { field: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) {
      return error.details?.fields as { field: string; message: string }[];
    }
    throw error;
  }
  return [];
}

describe('secret destinations', () => {
  it('compares URLs by scheme, host and port only', () => {
    expect(originOf('https://MCP.example.com/sse?x=1')).toBe('https://mcp.example.com:443');
    expect(originOf('https://mcp.example.com:443/a')).toBe(originOf('https://mcp.example.com/b'));
    expect(originOf('http://mcp.example.com')).not.toBe(originOf('https://mcp.example.com'));
    expect(originOf('http://127.0.0.1:8080/mcp')).not.toBe(originOf('http://127.0.0.1:8081/mcp'));
    expect(originOf('http://localhost:8080')).not.toBe(originOf('http://127.0.0.1:8080'));
    expect(originOf(null)).toBeNull();
  });

  it('names what changed', () => {
    const before = { transport: 'sse', url: 'https://a.example.com/sse', authType: 'basic' };
    expect(destinationChanges(before, { ...before, url: 'https://a.example.com/other' })).toEqual(
      [],
    );
    expect(
      destinationChanges(before, {
        transport: 'streamable_http',
        url: 'https://b.example.com/mcp',
        authType: 'bearer_token',
      }),
    ).toEqual(['url', 'transport', 'auth_type']);
    expect(
      destinationChanges(
        { transport: 'stdio', command: 'node' },
        { transport: 'stdio', command: 'npx' },
      ),
    ).toEqual(['command']);
  });

  it('refuses kept secrets moving to another destination, naming each field', () => {
    const before = { transport: 'sse', url: 'https://a.example.com/sse', authType: 'basic' };
    const moved = { ...before, url: 'http://127.0.0.1:9999/sse' };
    expect(
      fieldsOf(() =>
        assertSecretsStayWithDestination(before, moved, ['credentials.password', 'env.API_TOKEN']),
      ),
    ).toEqual([
      { field: 'credentials.password', message: RESEND_SECRET_MESSAGE },
      { field: 'env.API_TOKEN', message: RESEND_SECRET_MESSAGE },
    ]);
  });

  it('lets secrets sent again, or kept for the same destination, through', () => {
    const before = { transport: 'sse', url: 'https://a.example.com/sse', authType: 'basic' };
    expect(
      fieldsOf(() =>
        assertSecretsStayWithDestination(before, { ...before, url: 'https://b.example.com' }, []),
      ),
    ).toEqual([]);
    expect(
      fieldsOf(() =>
        assertSecretsStayWithDestination(before, { ...before, url: 'https://a.example.com/x' }, [
          'credentials.password',
        ]),
      ),
    ).toEqual([]);
  });
});
