import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { KeyringConfigError } from './keyring-config.error';
import { generateKeySpec, parseKeyring } from './keyring.parser';

export const DEV_KEY_FILE = 'encryption-keys';
export const DEV_KEY_ID = 'local1';

export interface DevKeyring {
  spec: string;
  activeKeyId: string;
  created: boolean;
}

function readSpec(file: string): { spec: string; activeKeyId: string } {
  const spec = (fs.readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '').trim();
  // With several keys the last one is active, so a development key can be rotated by appending.
  const keyIds = spec
    .split(',')
    .map((entry) => entry.split(':')[0].trim())
    .filter((keyId) => keyId !== '');
  const activeKeyId = keyIds[keyIds.length - 1] ?? '';
  try {
    parseKeyring(spec, activeKeyId);
  } catch (error) {
    if (error instanceof KeyringConfigError) {
      // Same wording as the variable's errors (never the content), plus where the keys came from.
      throw new KeyringConfigError(error.variable, `(read from ${file}) ${error.reason}`);
    }
    throw error;
  }
  return { spec, activeKeyId };
}

/** Creates `file` holding `content` only if nobody else has, without a window where it is empty. */
function createExclusively(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    fs.chmodSync(temp, 0o600); // the umask may have narrowed but never widens; make it exact
    // link() fails if the target exists, so an API and a worker starting together on an empty
    // data dir agree on one key instead of each encrypting with its own.
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Zero-setup default for SQLite installs only: a per-install key in `<dataDir>/encryption-keys`.
 * Production should set CREDENTIALS_ENCRYPTION_KEYS instead; losing this file loses every secret.
 */
export function loadOrCreateDevKeyring(dataDir: string, log: (msg: string) => void): DevKeyring {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, DEV_KEY_FILE);
  if (!fs.existsSync(file)) {
    const created = createExclusively(file, `${generateKeySpec(DEV_KEY_ID)}\n`);
    if (created) {
      log(
        `Generated a development encryption key at ${file}; back it up with the database, ` +
          'and set CREDENTIALS_ENCRYPTION_KEYS for production.',
      );
      return { ...readSpec(file), created: true };
    }
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    log(
      `Development encryption key file ${file} is readable by other users ` +
        `(mode ${mode.toString(8)}); run chmod 600 on it.`,
    );
  }
  return { ...readSpec(file), created: false };
}
