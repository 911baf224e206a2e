import { newId } from '@app/core';
import { startTestApp, TestApp } from '../support/test-app';

describe('transactions under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("keeps one transaction's rows when a concurrent one rolls back", async () => {
    const kept = newId('org');
    const rolledBack = newId('org');
    const insert = (id: string) => [id, id, '2025-11-13 10:00:00.000'];
    const sql = 'INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)';
    const results = await Promise.allSettled([
      t.dataSource.transaction(async (manager) => {
        await manager.query(sql, insert(kept));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }),
      t.dataSource.transaction(async (manager) => {
        await manager.query(sql, insert(rolledBack));
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('roll me back');
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    const rows = await t.dataSource.query('SELECT id FROM organizations WHERE id IN (?, ?)', [
      kept,
      rolledBack,
    ]);
    expect(rows.map((r: { id: string }) => r.id)).toEqual([kept]);
  });
});
