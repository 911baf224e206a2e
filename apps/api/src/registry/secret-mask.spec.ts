import { ValidationError } from '@app/core';
import {
  containsMask,
  maskedFields,
  maskKeys,
  restoreMasked,
  SECRET_MASK,
  serverSecretDestination,
} from './secret-mask';

describe('secret mask', () => {
  it('masks every key with the same placeholder', () => {
    expect(maskKeys(['A', 'B'])).toEqual({ A: SECRET_MASK, B: SECRET_MASK });
    expect(maskKeys([])).toEqual({});
  });

  it('names the fields sent as the mask', () => {
    expect(maskedFields({ A: SECRET_MASK, B: 'x', C: SECRET_MASK }, 'env')).toEqual([
      'env.A',
      'env.C',
    ]);
    expect(maskedFields(null, 'credentials')).toEqual([]);
  });

  it('takes http and streamable_http as one destination, and ignores unused url/command', () => {
    const server = { url: 'https://a.example.com/mcp', command: 'npx', authType: 'none' };
    expect(serverSecretDestination({ ...server, transport: 'http' })).toEqual(
      serverSecretDestination({ ...server, transport: 'streamable_http', command: null }),
    );
    expect(
      serverSecretDestination({ ...server, transport: 'stdio', command: 'node' }),
    ).toMatchObject({ url: null, command: 'node' });
  });

  it('tells whether any value is the mask', () => {
    expect(containsMask({ A: 'x', B: SECRET_MASK })).toBe(true);
    expect(containsMask({ A: 'x' })).toBe(false);
    expect(containsMask(null)).toBe(false);
  });

  it('restores masked values from the stored ones and keeps values sent in clear', () => {
    expect(
      restoreMasked({ A: SECRET_MASK, B: 'new' }, { A: 'old-a', B: 'old-b', C: 'c' }, 'env'),
    ).toEqual({
      A: 'old-a',
      B: 'new',
    });
  });

  it('restores non-string stored values too', () => {
    expect(restoreMasked({ scopes: SECRET_MASK }, { scopes: ['read'] }, 'credentials')).toEqual({
      scopes: ['read'],
    });
  });

  it('rejects a mask with nothing stored behind it, naming every such field', () => {
    let error: unknown;
    try {
      restoreMasked({ A: SECRET_MASK, B: SECRET_MASK, C: 'x' }, { A: 'a' }, 'env');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual({
      fields: [{ field: 'env.B', message: expect.stringContaining('no value is stored') }],
    });
    expect(() => restoreMasked({ A: SECRET_MASK }, null, 'env')).toThrow(ValidationError);
  });
});
