import { credentialHeaders } from './credential-headers.util';
import { REDACTED, SecretRedactor } from './secret-redactor';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('SecretRedactor', () => {
  describe('every form of a Basic credential', () => {
    const headers = credentialHeaders('basic', {
      username: 'alice.admin',
      password: 'p@ss w0rd/+?',
    });
    const redactor = SecretRedactor.forTarget({ headers });
    const pair = 'alice.admin:p@ss w0rd/+?';
    const echoes: [string, string][] = [
      ['the whole header value', headers.Authorization],
      ['the base64 credential', b64(pair)],
      ['the decoded user:password', pair],
      ['the user alone', 'alice.admin'],
      ['the password alone', 'p@ss w0rd/+?'],
      ['the password URL-encoded', encodeURIComponent('p@ss w0rd/+?')],
      ['the password form-encoded', 'p%40ss+w0rd%2F%2B%3F'],
      ['the password in base64', b64('p@ss w0rd/+?')],
      ['the password in unpadded base64url', Buffer.from('p@ss w0rd/+?').toString('base64url')],
      ['the password in hex', Buffer.from('p@ss w0rd/+?').toString('hex')],
      ['the pair upper-cased', pair.toUpperCase()],
      ['the pair JSON-escaped', JSON.stringify('alice.admin:p@ss w0rd/+?').slice(1, -1)],
    ];

    it.each(echoes)('removes %s', (_what, echoed) => {
      const text = `denied: you sent <${echoed}> here`;
      const redacted = redactor.redact(text);
      expect(redacted).toBe(`denied: you sent <${REDACTED}> here`);
    });
  });

  it('removes a bearer token alone and with its scheme, and custom header values', () => {
    const redactor = SecretRedactor.forTarget({
      headers: { Authorization: 'Bearer tok_123456', 'X-Custom-Key': 'custom-secret-value' },
    });
    expect(redactor.redact('got Bearer tok_123456 and tok_123456')).toBe(
      `got ${REDACTED} and ${REDACTED}`,
    );
    expect(redactor.redact('key=custom-secret-value;')).toBe(`key=${REDACTED};`);
    expect(redactor.redact(`b64=${b64('tok_123456')}`)).toBe(`b64=${REDACTED}`);
  });

  it('removes stdio env values in every form', () => {
    const redactor = SecretRedactor.forTarget({ env: { API_TOKEN: 'sk-live-9f8e7d' } });
    for (const echoed of ['sk-live-9f8e7d', 'SK-LIVE-9F8E7D', b64('sk-live-9f8e7d')]) {
      expect(redactor.redact(`env ${echoed}!`)).toBe(`env ${REDACTED}!`);
    }
  });

  it('removes the longest secret whole when one contains another', () => {
    const redactor = new SecretRedactor(['abcd', 'abcdef']);
    expect(redactor.redact('a abcdef b abcd')).toBe(`a ${REDACTED} b ${REDACTED}`);
  });

  it('removes secrets shorter than four characters only as whole tokens', () => {
    const redactor = new SecretRedactor(['eu', 'x1']);
    expect(redactor.redact('region eu, europe, x1, x12')).toBe(
      `region ${REDACTED}, europe, ${REDACTED}, x12`,
    );
  });

  it('leaves text without secrets alone, and works without any secret', () => {
    expect(new SecretRedactor(['sekret-value']).redact('all fine')).toBe('all fine');
    expect(new SecretRedactor([]).redact('all fine')).toBe('all fine');
    expect(new SecretRedactor(['', 'a.b*c(d)']).redact('x a.b*c(d) y')).toBe(`x ${REDACTED} y`);
  });

  describe('with a maximum length', () => {
    it('cuts long text with an ellipsis', () => {
      expect(new SecretRedactor([]).redact('x'.repeat(500), 200)).toBe(`${'x'.repeat(200)}…`);
      expect(new SecretRedactor([]).redact('short', 200)).toBe('short');
    });

    it('never shows part of a secret that straddles the cut', () => {
      const secret = 'S'.repeat(40);
      const redactor = new SecretRedactor([secret]);
      for (let offset = 150; offset < 210; offset++) {
        const text = `${'x'.repeat(offset)}${secret}${'y'.repeat(50)}`;
        const redacted = redactor.redact(text, 200);
        expect(redacted).not.toMatch(/S/);
        expect(redacted.length).toBeLessThanOrEqual(200 + REDACTED.length + 1);
      }
    });

    it('never shows a secret that redactions before it pulled within the limit', () => {
      const secret = 'T0pSecretValue!';
      const redactor = new SecretRedactor([secret]);
      const text = `${secret.repeat(20)}${'.'.repeat(100)}${secret}${'.'.repeat(300)}`;
      expect(redactor.redact(text, 200)).not.toContain('T0p');
    });

    it('reads only around the limit of a huge text', () => {
      const redactor = new SecretRedactor(['needle-in-a-haystack']);
      const huge = `${'h'.repeat(100)}needle-in-a-haystack${'h'.repeat(20_000_000)}`;
      // Built by concatenation: flatten it first, so only the redaction is timed.
      expect(huge.indexOf('needle')).toBe(100);
      const started = performance.now();
      expect(redactor.redact(huge, 200)).toBe(`${'h'.repeat(100)}${REDACTED}${'h'.repeat(90)}…`);
      expect(performance.now() - started).toBeLessThan(20);
    });
  });
});
