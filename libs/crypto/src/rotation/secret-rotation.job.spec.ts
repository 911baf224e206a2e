import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SealedValueRepository, UnitOfWork } from '@app/dal';
import { parseKeyring } from '../keyring.parser';
import { SecretBox } from '../secret-box';
import { SecretRotationJob } from './secret-rotation.job';
import type { SealedColumnSpec } from './sealed-column-spec.interface';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const oldBox = new SecretBox(parseKeyring(k1, undefined));
const rotatingBox = new SecretBox(parseKeyring(`${k1},${k2}`, 'k2'));
const newBox = new SecretBox(parseKeyring(k2, undefined));

const spec: SealedColumnSpec = {
  table: 'things',
  idColumn: 'id',
  organizationColumn: 'org_id',
  column: 'secret_sealed',
  resourceType: 'thing',
};
const aadOf = (id: string, org = 'org_a') => ({
  resourceType: 'thing',
  resourceId: id,
  organizationId: org,
});
const quietLogger = () => ({ log: jest.fn(), warn: jest.fn(), error: jest.fn() });

describe('SecretRotationJob', () => {
  let dataSource: DataSource;
  let store: SealedValueRepository;

  beforeEach(async () => {
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
    }).initialize();
    store = new SealedValueRepository(dataSource, new UnitOfWork(dataSource));
    await dataSource.query(
      'CREATE TABLE things (id varchar(64) PRIMARY KEY, org_id varchar(64), secret_sealed text)',
    );
  });

  afterEach(async () => {
    await dataSource.destroy();
  });

  async function insert(id: string, sealed: string | null, org: string | null = 'org_a') {
    await dataSource.query('INSERT INTO things (id, org_id, secret_sealed) VALUES (?, ?, ?)', [
      id,
      org,
      sealed,
    ]);
  }

  async function sealedOf(id: string): Promise<string | null> {
    const [row] = await dataSource.query('SELECT secret_sealed FROM things WHERE id = ?', [id]);
    return row.secret_sealed;
  }

  it('re-encrypts every old value in batches, leaves current and empty ones, and is idempotent', async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `thing_${String(i).padStart(3, '0')}`);
    for (const id of ids) await insert(id, oldBox.sealJson({ token: `tok-${id}` }, aadOf(id)));
    await insert(
      'thing_current',
      rotatingBox.sealJson({ token: 'current' }, aadOf('thing_current')),
    );
    await insert('thing_empty', null);

    const logger = quietLogger();
    const job = new SecretRotationJob(store, rotatingBox, { batchSize: 5, logger });
    const first = await job.run([spec]);
    expect(first.activeKeyId).toBe('k2');
    expect(first.columns).toEqual([
      { table: 'things', column: 'secret_sealed', scanned: 24, rotated: 23, skipped: 1, failed: 0 },
    ]);
    expect(first.failed).toBe(0);

    for (const id of ids) {
      const sealed = (await sealedOf(id))!;
      expect(sealed.startsWith('v1.k2.')).toBe(true);
      expect(newBox.openJson(sealed, aadOf(id))).toEqual({ token: `tok-${id}` });
    }
    expect(await sealedOf('thing_empty')).toBeNull();

    const second = await job.run([spec]);
    expect(second.columns[0]).toMatchObject({ scanned: 24, rotated: 0, skipped: 24, failed: 0 });
  });

  it('counts rows that do not open as failed, logs their id and never the secret', async () => {
    await insert('thing_a', oldBox.sealJson({ token: 'secret-a' }, aadOf('thing_a')));
    await insert('thing_b', oldBox.sealJson({ token: 'secret-b' }, aadOf('thing_b')));
    // b's ciphertext copied into c: the AAD no longer matches.
    await insert('thing_c', (await sealedOf('thing_b'))!);
    await insert('thing_d', oldBox.sealJson({ token: 'secret-d' }, aadOf('thing_d')), null);

    const logger = quietLogger();
    const report = await new SecretRotationJob(store, rotatingBox, { logger }).run([spec]);
    expect(report.columns[0]).toMatchObject({ scanned: 4, rotated: 2, failed: 2 });
    expect(report.failed).toBe(2);
    const logged = JSON.stringify(logger.error.mock.calls);
    expect(logged).toContain('thing_c');
    expect(logged).toContain('thing_d');
    expect(logged).not.toMatch(/secret-[abd]/);
    expect((await sealedOf('thing_c'))!.startsWith('v1.k1.')).toBe(true);
  });

  it('never overwrites a value written concurrently: it re-reads the row instead', async () => {
    await insert('thing_a', oldBox.sealJson({ token: 'old' }, aadOf('thing_a')));
    const job = new SecretRotationJob(store, rotatingBox, { logger: quietLogger() });
    const newer = rotatingBox.sealJson({ token: 'newer' }, aadOf('thing_a'));
    // The API's write lands between the job's read and its compare-and-set.
    const originalReseal = rotatingBox.reseal.bind(rotatingBox);
    const reseal = jest.spyOn(rotatingBox, 'reseal').mockImplementationOnce((sealed, aad) => {
      const result = originalReseal(sealed, aad);
      void dataSource.query('UPDATE things SET secret_sealed = ? WHERE id = ?', [newer, 'thing_a']);
      return result;
    });
    try {
      const report = await job.run([spec]);
      expect(report.columns[0]).toMatchObject({ scanned: 1, rotated: 0, skipped: 1, failed: 0 });
    } finally {
      reseal.mockRestore();
    }
    expect(await sealedOf('thing_a')).toBe(newer);
  });

  it('refuses identifiers that are not plain names', async () => {
    const job = new SecretRotationJob(store, rotatingBox, { logger: quietLogger() });
    await expect(job.run([{ ...spec, table: 'things; DROP TABLE things' }])).rejects.toThrow(
      /invalid SQL identifier/,
    );
  });
});
