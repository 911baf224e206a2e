import { ProbeBudget } from './probe-budget';

const LF = 0x0a;

/**
 * Splits a child's stdout into lines (one JSON-RPC message each) while counting every byte as it
 * arrives: against the probe's total, and against the message limit for the line being read, so
 * an endless line fails as soon as it passes the limit instead of filling memory.
 */
export class StdioLineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly budget: ProbeBudget) {}

  /** The lines this chunk completes (without their line end), or null once a limit is passed. */
  push(chunk: Buffer): string[] | null {
    if (!this.budget.takeBytes(chunk.length)) return null;
    const lines: string[] = [];
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      if (!this.budget.checkMessageBytes(this.pendingBytes + end - start)) return null;
      const tail = chunk.subarray(start, end);
      const line = this.pending.length > 0 ? Buffer.concat([...this.pending, tail]) : tail;
      this.pending = [];
      this.pendingBytes = 0;
      lines.push(line.toString('utf8').replace(/\r$/, ''));
      start = end + 1;
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (!this.budget.checkMessageBytes(this.pendingBytes)) return null;
    }
    return lines;
  }
}
