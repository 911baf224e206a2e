import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppConfig } from '@app/core';
import { DEV_PEPPER_FILE, resolveApiKeyPepper } from './api-key-pepper.loader';

function configFor(dataDir: string, apiKeyPepper?: string): AppConfig {
  return {
    auth: { apiKeyPepper },
    database: { type: 'sqlite', path: path.join(dataDir, 'db.sqlite'), dataDir },
  } as AppConfig;
}

describe('resolveApiKeyPepper', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pepper-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses API_KEY_PEPPER when set, writing nothing', () => {
    expect(resolveApiKeyPepper(configFor(dir, 'configured-pepper-123'), jest.fn())).toBe(
      'configured-pepper-123',
    );
    expect(fs.existsSync(path.join(dir, DEV_PEPPER_FILE))).toBe(false);
  });

  it('creates a private pepper file once, logs where (never the value), then reuses it', () => {
    const log = jest.fn();
    const first = resolveApiKeyPepper(configFor(dir), log);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const file = path.join(dir, DEV_PEPPER_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toContain(file);
    expect(log.mock.calls[0][0]).not.toContain(first);
    const again = jest.fn();
    expect(resolveApiKeyPepper(configFor(dir), again)).toBe(first);
    expect(again).not.toHaveBeenCalled();
  });
});
