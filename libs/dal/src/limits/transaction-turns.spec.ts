import { DatabaseUnavailableError } from '@app/core';
import { raceDeadline } from './database-deadline';
import { TransactionTurns } from './transaction-turns';
import { sleep } from '../../../../test/support/wait';

describe('TransactionTurns', () => {
  it('runs transactions one after another, in order', async () => {
    const turns = new TransactionTurns(10);
    const events: string[] = [];
    const work = (name: string) => async () => {
      events.push(`${name} start`);
      await sleep(10);
      events.push(`${name} end`);
      return name;
    };
    const far = Date.now() + 5000;
    await expect(
      Promise.all([turns.run(far, work('a')), turns.run(far, work('b'))]),
    ).resolves.toEqual(['a', 'b']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('gives up on a turn that does not come by the deadline, and never runs that work', async () => {
    const turns = new TransactionTurns(10);
    const first = turns.run(Date.now() + 5000, () => sleep(150));
    let ran = false;
    const started = Date.now();
    const late = turns.run(Date.now() + 50, async () => {
      ran = true;
    });
    await expect(late).rejects.toMatchObject({ reason: 'database_timeout', writeOutcome: false });
    expect(Date.now() - started).toBeLessThan(140);
    await first;
    await sleep(10);
    expect(ran).toBe(false);
  });

  it('refuses at once past the queue limit', async () => {
    const turns = new TransactionTurns(2);
    const far = Date.now() + 5000;
    const running = [turns.run(far, () => sleep(50)), turns.run(far, () => sleep(1))];
    await sleep(0);
    // The first is running; one waits; the limit counts only waiting ones.
    const third = turns.run(far, () => sleep(1));
    const refused = turns.run(far, () => sleep(1));
    await expect(refused).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(refused).rejects.toMatchObject({ reason: 'pool_queue_full' });
    await Promise.all([...running, third]);
  });
});

describe('raceDeadline', () => {
  it('rejects with the expiry error at the deadline while the promise is pending', async () => {
    const never = new Promise<never>(() => undefined);
    const started = Date.now();
    await expect(raceDeadline(never, Date.now() + 30, () => new Error('late'))).rejects.toThrow(
      'late',
    );
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('settles like the promise when it is in time', async () => {
    await expect(
      raceDeadline(Promise.resolve(7), Date.now() + 1000, () => new Error()),
    ).resolves.toBe(7);
  });
});
