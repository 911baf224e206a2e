import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadOrCreateDevKeyring } from './dev-keyring.loader';
import { KeyringConfigError } from './keyring-config.error';
import { generateKeySpec, parseKeyring } from './keyring.parser';
import { SecretBox } from './secret-box';

describe('loadOrCreateDevKeyring', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'crypto-dev-keyring-'));
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates the folder and a 0600 key file once, then reuses it', () => {
    const dataDir = path.join(root, 'nested', 'data');
    const messages: string[] = [];
    const first = loadOrCreateDevKeyring(dataDir, (msg) => messages.push(msg));
    const file = path.join(dataDir, 'encryption-keys');

    expect(first.created).toBe(true);
    expect(first.activeKeyId).toBe('local1');
    expect(first.spec).toMatch(/^local1:[A-Za-z0-9+/]{43}=$/);
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe(first.spec);
    if (process.platform !== 'win32') {
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    }
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(file);
    expect(messages[0]).toMatch(/development .*key/i);
    expect(messages[0]).not.toContain(first.spec.split(':')[1]);
    expect(fs.readdirSync(dataDir)).toEqual(['encryption-keys']);

    const second = loadOrCreateDevKeyring(dataDir, (msg) => messages.push(msg));
    expect(second).toEqual({ ...first, created: false });
    expect(messages).toHaveLength(1);

    const box = new SecretBox(parseKeyring(first.spec, first.activeKeyId));
    const sealed = box.seal('s', { resourceType: 't', resourceId: 'i', organizationId: 'o' });
    const again = new SecretBox(parseKeyring(second.spec, second.activeKeyId));
    expect(again.open(sealed, { resourceType: 't', resourceId: 'i', organizationId: 'o' })).toBe(
      's',
    );
  });

  it('reads an existing file, using its first line and the last key as active', () => {
    const spec = `${generateKeySpec('a')},${generateKeySpec('b')}`;
    fs.writeFileSync(path.join(root, 'encryption-keys'), `${spec}\nignored\n`, { mode: 0o600 });
    const log = jest.fn();
    expect(loadOrCreateDevKeyring(root, log)).toEqual({ spec, activeKeyId: 'b', created: false });
    expect(log).not.toHaveBeenCalled();
  });

  it('warns, without the key, when the file is readable by others', () => {
    if (process.platform === 'win32') return;
    const spec = generateKeySpec('local1');
    const file = path.join(root, 'encryption-keys');
    fs.writeFileSync(file, spec);
    fs.chmodSync(file, 0o644);
    const messages: string[] = [];
    loadOrCreateDevKeyring(root, (msg) => messages.push(msg));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/chmod 600/);
    expect(messages[0]).not.toContain(spec.split(':')[1]);
  });

  it('rejects a corrupt file without echoing its content', () => {
    const file = path.join(root, 'encryption-keys');
    fs.writeFileSync(file, 'local1:c2hvcnQta2V5\n', { mode: 0o600 });
    let error: unknown;
    try {
      loadOrCreateDevKeyring(root, () => undefined);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KeyringConfigError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).not.toContain('c2hvcnQta2V5');
  });
});
