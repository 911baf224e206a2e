import { newId } from '@app/core';
import { OrganizationEntity, OrganizationRepository, Transaction, UnitOfWork } from '@app/dal';
import { startTestApp, TestApp } from '../support/test-app';
import { sleep } from '../support/wait';

describe('transactions under concurrency', () => {
  let t: TestApp;
  let unitOfWork: UnitOfWork;
  let organizations: OrganizationRepository;
  beforeAll(async () => {
    t = await startTestApp();
    unitOfWork = t.app.get(UnitOfWork);
    organizations = t.app.get(OrganizationRepository, { strict: false });
  });
  afterAll(async () => {
    await t.close();
  });

  const organization = (id: string) =>
    Object.assign(new OrganizationEntity(), { id, name: id, createdAt: new Date() });
  // Real time on purpose: the pauses hold one unit open while the other runs (the overlap is
  // what these tests are about).
  const pause = sleep;

  async function existing(...ids: string[]): Promise<string[]> {
    const found = [];
    for (const id of ids) if (await organizations.exists(id)) found.push(id);
    return found;
  }

  it("keeps one transaction's rows when a concurrent one rolls back", async () => {
    const kept = newId('org');
    const rolledBack = newId('org');
    const results = await Promise.allSettled([
      unitOfWork.run(async (tx) => {
        await organizations.insert(organization(kept), tx);
        await pause(50);
      }),
      unitOfWork.run(async (tx) => {
        await organizations.insert(organization(rolledBack), tx);
        await pause(10);
        throw new Error('roll me back');
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(await existing(kept, rolledBack)).toEqual([kept]);
  });

  it('keeps the writes of a non-atomic unit when a concurrent transaction rolls back', async () => {
    const statement = newId('org');
    const rolledBack = newId('org');
    const results = await Promise.allSettled([
      unitOfWork.run(async (tx) => {
        await organizations.insert(organization(rolledBack), tx);
        await pause(50);
        throw new Error('roll me back');
      }),
      (async () => {
        await pause(10);
        await unitOfWork.run({ atomic: false }, (tx) =>
          organizations.insert(organization(statement), tx),
        );
      })(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(await existing(statement, rolledBack)).toEqual([statement]);
  });

  it('joins a unit run inside another: one commit, or one rollback for both', async () => {
    const outer = newId('org');
    const inner = newId('org');
    const started = Date.now();
    await unitOfWork.run(async (tx) => {
      await organizations.insert(organization(outer), tx);
      await unitOfWork.run((nested) => organizations.insert(organization(inner), nested));
    });
    // Joining, not waiting for a turn the outer unit holds (that would wait out the deadline).
    expect(Date.now() - started).toBeLessThan(t.config.database.queryTimeoutMs);
    expect(await existing(outer, inner)).toEqual([outer, inner]);

    const outerLost = newId('org');
    const innerLost = newId('org');
    await expect(
      unitOfWork.run(async (tx) => {
        await organizations.insert(organization(outerLost), tx);
        await unitOfWork.run((nested) => organizations.insert(organization(innerLost), nested));
        throw new Error('roll both back');
      }),
    ).rejects.toThrow('roll both back');
    expect(await existing(outerLost, innerLost)).toEqual([]);
  });

  it('refuses a transaction used after its unit of work ended', async () => {
    let leaked: Transaction | undefined;
    await unitOfWork.run(async (tx) => {
      leaked = tx;
    });
    const id = newId('org');
    await expect(organizations.insert(organization(id), leaked!)).rejects.toThrow(
      'A transaction was used after its unit of work ended',
    );
    expect(await existing(id)).toEqual([]);
  });
});
