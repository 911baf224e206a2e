import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { KeyringConfigError } from './keyring-config.error';
import { generateKeySpec, parseKeyring } from './keyring.parser';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64url');

function configError(fn: () => unknown): KeyringConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyringConfigError);
    return error as KeyringConfigError;
  }
  throw new Error('expected a KeyringConfigError');
}

describe('parseKeyring', () => {
  it('accepts one key and makes it active when no active id is given', () => {
    const keyring = parseKeyring(`k1:${keyA}`, undefined);
    expect(keyring.activeKeyId).toBe('k1');
    expect(keyring.keyIds).toEqual(['k1']);
  });

  it('accepts several keys, base64 and base64url, with whitespace and the named active id', () => {
    const keyring = parseKeyring(` k1:${keyA} , k2:${keyB},`, ' k2 ');
    expect(keyring.keyIds).toEqual(['k1', 'k2']);
    expect(keyring.activeKeyId).toBe('k2');
  });

  it('accepts unpadded base64', () => {
    expect(parseKeyring(`k1:${keyA.replace(/=+$/, '')}`, 'k1').keyIds).toEqual(['k1']);
  });

  it('never shows key bytes when logged or serialized', () => {
    const keyring = parseKeyring(`k1:${keyA},k2:${keyB}`, 'k1');
    const hexA = Buffer.from(keyA, 'base64').toString('hex');
    for (const text of [inspect(keyring, { depth: 10 }), JSON.stringify(keyring)]) {
      expect(text).not.toContain(keyA);
      expect(text).not.toContain(keyB);
      expect(text).not.toContain(hexA);
      expect(text).toContain('k2');
    }
  });

  const cases: Array<[string, string | undefined, string | undefined, string, RegExp]> = [
    ['missing', undefined, undefined, 'CREDENTIALS_ENCRYPTION_KEYS', /not set/],
    ['blank', '  ', undefined, 'CREDENTIALS_ENCRYPTION_KEYS', /not set/],
    ['no colon', keyA, undefined, 'CREDENTIALS_ENCRYPTION_KEYS', /entry 1 .*kid:base64key/],
    [
      'bad base64',
      `k1:${keyA.slice(0, 20)}!!${keyA.slice(22)}`,
      'k1',
      'CREDENTIALS_ENCRYPTION_KEYS',
      /base64/,
    ],
    ['mixed alphabets', `k1:ab+c_d${keyA.slice(6)}`, 'k1', 'CREDENTIALS_ENCRYPTION_KEYS', /base64/],
    [
      'short key',
      `k1:${randomBytes(16).toString('base64')}`,
      'k1',
      'CREDENTIALS_ENCRYPTION_KEYS',
      /16 bytes, expected exactly 32/,
    ],
    [
      'long key',
      `k1:${randomBytes(48).toString('base64')}`,
      'k1',
      'CREDENTIALS_ENCRYPTION_KEYS',
      /48 bytes/,
    ],
    [
      'bad kid',
      `bad.kid:${keyA}`,
      undefined,
      'CREDENTIALS_ENCRYPTION_KEYS',
      /entry 1 has an invalid key id/,
    ],
    ['empty kid', `:${keyA}`, undefined, 'CREDENTIALS_ENCRYPTION_KEYS', /invalid key id/],
    [
      'long kid',
      `${'k'.repeat(33)}:${keyA}`,
      undefined,
      'CREDENTIALS_ENCRYPTION_KEYS',
      /invalid key id/,
    ],
    [
      'duplicate',
      `k1:${keyA},k1:${keyB}`,
      'k1',
      'CREDENTIALS_ENCRYPTION_KEYS',
      /k1 more than once/,
    ],
    [
      'active unknown',
      `k1:${keyA},k2:${keyB}`,
      'k3',
      'CREDENTIALS_ACTIVE_KEY_ID',
      /k3 does not name a key.*k1, k2/,
    ],
    [
      'active missing with two keys',
      `k1:${keyA},k2:${keyB}`,
      undefined,
      'CREDENTIALS_ACTIVE_KEY_ID',
      /not set .* 2 keys/,
    ],
    [
      'active is a pasted key',
      `k1:${keyA}`,
      keyB,
      'CREDENTIALS_ACTIVE_KEY_ID',
      /not a valid key id/,
    ],
  ];

  it.each(cases)(
    'rejects %s, naming the variable and no key material',
    (_name, spec, active, variable, reason) => {
      const error = configError(() => parseKeyring(spec, active));
      expect(error.variable).toBe(variable);
      expect(error.message).toContain(variable);
      expect(error.message).toMatch(reason);
      for (const secret of [keyA, keyB, keyA.slice(0, 16), keyB.slice(0, 16), keyA.slice(22)]) {
        expect(error.message).not.toContain(secret);
      }
    },
  );
});

describe('generateKeySpec', () => {
  it('returns a spec that parseKeyring accepts, different every time', () => {
    const spec = generateKeySpec('k9');
    expect(spec).toMatch(/^k9:[A-Za-z0-9+/]{43}=$/);
    expect(parseKeyring(spec, undefined).activeKeyId).toBe('k9');
    expect(generateKeySpec('k9')).not.toBe(spec);
  });

  it('rejects an invalid key id', () => {
    expect(() => generateKeySpec('no.dots')).toThrow(KeyringConfigError);
  });
});
