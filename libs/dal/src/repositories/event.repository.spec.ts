import { newId, OneOrganization } from '@app/core';
import { DalDatabase, openDalDatabase } from '../../../../test/support/dal-database';
import { afterCommit } from '../unit-of-work/transaction';
import { EventRepository } from './event.repository';

/** The outbox on the suite's real database (SQLite, or MySQL with DATABASE_URL). */
describe('EventRepository (outbox and numbering)', () => {
  let db: DalDatabase;
  let events: EventRepository;

  beforeAll(async () => {
    db = await openDalDatabase();
    events = new EventRepository(db.dataSource, db.unitOfWork);
  });
  afterAll(async () => {
    await db?.close();
  });

  function append(scope: OneOrganization, type = 'team.changed') {
    return db.unitOfWork.run((tx) =>
      events.append(
        scope,
        { id: newId('ev'), type, resourceId: 'r', occurredAt: new Date(), data: { n: 1 } },
        tx,
      ),
    );
  }

  it('runs after-commit hooks once the outermost unit commits, and never after a rollback', async () => {
    const ran: string[] = [];
    await db.unitOfWork.run(async (tx) => {
      afterCommit(tx, () => ran.push('outer'));
      await db.unitOfWork.run(async (inner) => {
        afterCommit(inner, () => ran.push('joined'));
      });
      expect(ran).toEqual([]);
    });
    expect(ran).toEqual(['outer', 'joined']);
    await expect(
      db.unitOfWork.run(async (tx) => {
        afterCommit(tx, () => ran.push('rolled back'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(ran).toEqual(['outer', 'joined']);
  });

  it('numbers only committed events, gapless and in insertion order', async () => {
    const scope = await db.organization();
    await append(scope, 'mcp_server.created');
    await expect(
      db.unitOfWork.run(async (tx) => {
        await events.append(
          scope,
          { id: newId('ev'), type: 'x', resourceId: 'r', occurredAt: new Date(), data: {} },
          tx,
        );
        throw new Error('rolled back');
      }),
    ).rejects.toThrow();
    await append(scope, 'mcp_server.updated');
    expect((await events.read(scope, { after: 0, limit: 10 })).horizon).toBe(0);
    expect(await events.assignSequences(scope.organizationId, 100)).toMatchObject({
      assigned: 2,
      horizon: 2,
    });
    const read = await events.read(scope, { after: 0, limit: 10 });
    expect(read.events.map((event) => [event.sequence, event.type])).toEqual([
      [1, 'mcp_server.created'],
      [2, 'mcp_server.updated'],
    ]);
    expect(await events.assignSequences(scope.organizationId, 100)).toMatchObject({
      assigned: 0,
      horizon: 2,
    });
  });

  it('never gives two events one number when numbering runs concurrently', async () => {
    const scope = await db.organization();
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      runs.push(append(scope).then(() => events.assignSequences(scope.organizationId, 7)));
    }
    await Promise.all(runs);
    while ((await events.assignSequences(scope.organizationId, 7)).assigned > 0);
    const read = await events.read(scope, { after: 0, limit: 100 });
    expect(read.horizon).toBe(30);
    expect(read.events.map((event) => event.sequence)).toEqual(
      Array.from({ length: 30 }, (_, index) => index + 1),
    );
  });

  it('prunes a prefix of the sequence and reports the oldest left', async () => {
    const scope = await db.organization();
    for (let i = 0; i < 4; i++) await append(scope);
    await events.assignSequences(scope.organizationId, 100);
    await db.dataSource.query(
      "UPDATE events SET occurred_at = '2001-01-01 00:00:00.000' WHERE organization_id = ? AND sequence IN (1, 3)",
      [scope.organizationId],
    );
    // Sequence 3 is older by its clock than 2: everything up to 3 goes, never 3 without 2.
    await events.prune(new Date('2010-01-01T00:00:00Z'), 1);
    const read = await events.read(scope, { after: 0, limit: 10 });
    expect([read.oldest, read.horizon, read.events.map((event) => event.sequence)]).toEqual([
      4,
      4,
      [4],
    ]);
  });
});
