import { ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import {
  deserializeMessage,
  JSONRPCMessage,
  MessageExtraInfo,
  serializeMessage,
  Transport,
} from '@modelcontextprotocol/client';
import { ProbeBudget } from './probe-budget';
import { ProbeFailure } from './probe-failure.error';
import { ProbeObservations } from './probe-observations';
import { stdioLaunchProblems } from './stdio-launch.policy';
import { StdioLineReader } from './stdio-line.reader';

export interface StdioProcessParams {
  command: string;
  args: string[];
  /** The server's own variables; the child gets these plus `baseEnv` only. */
  env: Record<string, string>;
  /** The host's PATH and HOME (config `mcp.stdioBaseEnv`), never the registry's environment. */
  baseEnv: Readonly<Record<string, string>>;
  /** STDIO_COMMAND_ALLOWLIST: checked again here, right before anything is spawned. */
  allowlist: readonly string[];
}

// Short on purpose: the whole shutdown has to fit in the probe's small slack after its deadline.
const STDIN_CLOSE_GRACE_MS = 50;
const SIGTERM_GRACE_MS = 150;
const SIGKILL_WAIT_MS = 200;

/**
 * Our own stdio client transport, because the SDK's cannot start the child in its own process
 * group: the child is the leader of a new group so that shutdown reaches anything it spawned, and
 * shutdown escalates from closing stdin to SIGTERM to SIGKILL on that whole group.
 */
export class StdioProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  private child: ChildProcessByStdio<Writable, Readable, null> | null = null;
  private readonly lines: StdioLineReader;
  private exited = false;
  private readonly exitWaiters = new Set<() => void>();
  private closed = false;
  private termination: Promise<void> | null = null;

  constructor(
    private readonly params: StdioProcessParams,
    private readonly observations: ProbeObservations,
    budget: ProbeBudget = new ProbeBudget(),
  ) {
    this.lines = new StdioLineReader(budget);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) return Promise.reject(new Error('stdio transport already started'));
    // Closed before it started (the probe gave up): spawning now would leak the child.
    if (this.termination) return Promise.reject(new Error('stdio transport already closed'));
    // The last gate before a process exists, whoever built the params.
    const [problem] = stdioLaunchProblems(
      this.params.command,
      this.params.env,
      this.params.allowlist,
    );
    if (problem) {
      return Promise.reject(
        new ProbeFailure('target_refused', `stdio ${problem.field} ${problem.message}`),
      );
    }
    return new Promise((resolve, reject) => {
      let child: ChildProcessByStdio<Writable, Readable, null>;
      try {
        child = spawn(this.params.command, this.params.args, {
          // PATH and HOME are refused names, so a server's own variables cannot replace them.
          env: { ...this.params.env, ...this.params.baseEnv },
          stdio: ['pipe', 'pipe', 'ignore'],
          detached: true,
          shell: false,
          windowsHide: true,
        });
      } catch {
        reject(new ProbeFailure('unreachable', 'the stdio command could not be started'));
        return;
      }
      this.child = child;
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (child.pid === undefined) {
          this.markExited();
          const why = error.code === 'ENOENT' ? 'was not found' : `could not start (${error.code})`;
          reject(new ProbeFailure('unreachable', `the stdio command ${why}`));
          return;
        }
        this.onerror?.(error);
      });
      child.once('spawn', () => resolve());
      child.once('exit', (code, signal) => {
        this.observations.stdioExit = { code, signal };
        this.markExited();
        this.finishClose();
      });
      child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
      child.stdout.on('error', (error) => this.onerror?.(error));
      // EPIPE when the child dies mid-write: its exit is reported separately.
      child.stdin.on('error', (error) => this.onerror?.(error));
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.exited || stdin.destroyed) {
      return Promise.reject(new Error('the stdio server is not running'));
    }
    return new Promise((resolve, reject) => {
      stdin.write(serializeMessage(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    this.termination ??= this.terminate().finally(() => this.finishClose());
    return this.termination;
  }

  private async terminate(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (!this.exited) {
      child.stdin.end();
      if (!(await this.waitForExit(STDIN_CLOSE_GRACE_MS))) {
        this.signalGroup(child, 'SIGTERM');
        if (!(await this.waitForExit(SIGTERM_GRACE_MS))) {
          this.signalGroup(child, 'SIGKILL');
          await this.waitForExit(SIGKILL_WAIT_MS);
        }
      }
    }
    // The leader may be gone while something it spawned still runs in its group.
    this.signalGroup(child, 'SIGKILL');
    child.stdin.destroy();
    child.stdout.destroy();
  }

  private signalGroup(
    child: ChildProcessByStdio<Writable, Readable, null>,
    signal: NodeJS.Signals,
  ) {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is already empty.
      if (!this.exited) child.kill(signal);
    }
  }

  private waitForExit(ms: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.exitWaiters.delete(done);
        resolve(this.exited);
      };
      const timer = setTimeout(done, ms);
      this.exitWaiters.add(done);
    });
  }

  private markExited(): void {
    this.exited = true;
    for (const waiter of [...this.exitWaiters]) waiter();
  }

  private finishClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }

  private onData(chunk: Buffer): void {
    const lines = this.lines.push(chunk);
    if (lines === null) {
      this.stopReading();
      return;
    }
    for (const line of lines) {
      let message: JSONRPCMessage;
      try {
        message = deserializeMessage(line);
      } catch (error) {
        // A line that is not JSON-RPC (a stray log line on stdout): note it and keep reading.
        this.observations.stdioGarbage = true;
        this.onerror?.(error as Error);
        continue;
      }
      this.onmessage?.(message);
    }
  }

  /** Past the read budget: nothing more is read, and the group is killed now, not politely. */
  private stopReading(): void {
    const child = this.child;
    if (!child) return;
    child.stdout.removeAllListeners('data');
    child.stdout.destroy();
    this.signalGroup(child, 'SIGKILL');
  }
}
