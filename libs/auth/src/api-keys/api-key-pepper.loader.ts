import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '@app/core';
import { localDataDir } from '@app/dal';

export const DEV_PEPPER_FILE = 'api-key-pepper';

/** Creates `file` with `content` unless another process won the race; never leaves it empty. */
function createExclusively(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    fs.chmodSync(temp, 0o600);
    // link() refuses an existing target: replicas starting together agree on one pepper.
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function readPepper(file: string): string {
  const pepper = (fs.readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '').trim();
  if (pepper.length < 16) {
    throw new Error(
      `API key pepper file ${file} holds no usable pepper; delete it or set API_KEY_PEPPER`,
    );
  }
  return pepper;
}

/**
 * API_KEY_PEPPER when set. Otherwise (development, and the SQLite single-node default) a random
 * pepper kept in `<dataDir>/api-key-pepper`: losing that file invalidates every key.
 */
export function resolveApiKeyPepper(config: AppConfig, log: (message: string) => void): string {
  if (config.auth.apiKeyPepper) return config.auth.apiKeyPepper;
  const dataDir = localDataDir(config.database) ?? path.resolve('data');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, DEV_PEPPER_FILE);
  if (!fs.existsSync(file) && createExclusively(file, `${randomBytes(32).toString('hex')}\n`)) {
    log(
      `Generated a development API key pepper at ${file}; keep it with the database, ` +
        'and set API_KEY_PEPPER in production.',
    );
  }
  return readPepper(file);
}
