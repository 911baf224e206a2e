import { DatabaseUnavailableError } from '@app/core';

/**
 * SQLite transactions take turns on the one shared connection (two open at once would
 * interleave, and one's rollback would undo the other's rows). The queue is bounded: past
 * `queueLimit` waiting transactions a new one is refused at once, and a transaction whose turn
 * has not come by its deadline gives up (its place is skipped when the turn reaches it).
 */
export class TransactionTurns {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly queueLimit: number) {}

  run<T>(deadlineAt: number, work: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.queueLimit) {
      return Promise.reject(new DatabaseUnavailableError('pool_queue_full', false));
    }
    this.waiting += 1;
    let state: 'waiting' | 'running' | 'abandoned' = 'waiting';
    const turn = this.tail.then(() => {
      if (state === 'abandoned') return undefined as T;
      state = 'running';
      this.waiting -= 1;
      return work();
    });
    this.tail = turn.catch(() => undefined);
    if (!Number.isFinite(deadlineAt)) return turn;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          if (state !== 'waiting') return;
          state = 'abandoned';
          this.waiting -= 1;
          reject(new DatabaseUnavailableError('database_timeout', false));
        },
        Math.max(0, deadlineAt - Date.now()),
      );
      turn.then(
        (value) => {
          clearTimeout(timer);
          if (state === 'running') resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (state === 'running') reject(error);
        },
      );
    });
  }
}
