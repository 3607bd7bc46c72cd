/**
 * The parent side of `consumer-process.ts`: the IPC messages both sides exchange, and
 * `spawnConsumer`, which starts the process and lets a test wait for one of its reports.
 * Debugging: FAULT_TRACE=1 prints every report with its time; FAULT_DEBUG=1 lets the child log.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueuePollerCounters } from '../../../lib/local/queue-poller.js';

/** Where the consumer stops dead, for the parent to kill it. */
export interface PausePoint {
  queue: 'clicks' | 'conversions';
  /** 1-based batch number of that queue in this process. */
  batch: number;
  /**
   * `in-transaction`: inside the transaction that follows `commits` committed ones of the batch,
   * after its first statement. `after-commit`: right after the batch's `commits`-th COMMIT, before
   * the handler goes on (for attribute-conversions: before the vendor notification is sent).
   * `in-statement`: before the batch's first statement outside a transaction (the clicks
   * consumer's one autocommit statement): the child reports `paused`, waits for the parent's
   * `proceed` (the parent takes a lock the statement needs first), then sends the statement,
   * which blocks on that lock with its first writes done, until the parent kills the child.
   */
  at: 'in-transaction' | 'after-commit' | 'in-statement';
  commits: number;
}

export type ChildReport =
  | { type: 'ready'; pid: number }
  | { type: 'batch'; queue: string; batch: number; messageIds: string[]; failed: number }
  | { type: 'paused'; queue: string; batch: number; messageIds: string[]; committedInBatch: number }
  | { type: 'stopped'; counters: Record<string, QueuePollerCounters> }
  | { type: 'crashed'; error: string };

export interface ConsumerHandle {
  readonly child: ChildProcess;
  readonly reports: ChildReport[];
  /** Resolves with the first report (already received or future) of that type matching `where`. */
  next<T extends ChildReport['type']>(type: T, where?: (report: Extract<ChildReport, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<ChildReport, { type: T }>>;
  /** Lets a child paused `in-statement` send its statement. */
  proceed(): void;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<{ signal: NodeJS.Signals | null }>;
  /** Graceful stop (pollers finish their batch); resolves with the pollers' counters. */
  stop(): Promise<Record<string, QueuePollerCounters>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'consumer-process.ts');
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function spawnConsumer(env: Record<string, string>): ConsumerHandle {
  const child = fork(script, [], {
    cwd: repositoryRoot,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', process.env.FAULT_DEBUG === '1' ? 'inherit' : 'ignore', 'ipc'],
  });
  const reports: ChildReport[] = [];
  const waiters: Array<{ match: (report: ChildReport) => boolean; resolve: (report: ChildReport) => void }> = [];
  child.on('message', (message) => {
    const report = message as ChildReport;
    reports.push(report);
    if (process.env.FAULT_TRACE === '1') console.error(`[consumer ${child.pid}] ${Math.round(performance.now())} ${JSON.stringify({ ...report, messageIds: undefined })}`);
    for (const waiter of [...waiters]) {
      if (waiter.match(report)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(report);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const next: ConsumerHandle['next'] = (type, where, timeoutMs = 30_000) => {
    type Wanted = Extract<ChildReport, { type: typeof type }>;
    const match = (report: ChildReport) => report.type === type && (!where || where(report as Wanted));
    const seen = reports.find(match);
    if (seen) return Promise.resolve(seen as Wanted);
    return new Promise<Wanted>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (report: ChildReport) => {
          clearTimeout(timer);
          resolve(report as Wanted);
        },
      };
      waiters.push(waiter);
      const forget = () => {
        const index = waiters.indexOf(waiter);
        if (index < 0) return false;
        waiters.splice(index, 1);
        return true;
      };
      const timer: NodeJS.Timeout = setTimeout(() => {
        if (!forget()) return;
        const last = reports.slice(-5).map((r) => JSON.stringify(r).slice(0, 200));
        reject(new Error(`consumer process: no "${type}" report within ${timeoutMs} ms; last reports: ${last.join(' | ')}`));
      }, timeoutMs);
      void exited.then(({ code, signal }) => {
        if (!forget()) return;
        clearTimeout(timer);
        const crash = reports.find((r) => r.type === 'crashed');
        reject(new Error(`consumer process exited (code ${code}, signal ${signal}) before a "${type}" report${crash ? `: ${JSON.stringify(crash)}` : ''}`));
      });
    });
  };

  return {
    child,
    reports,
    next,
    exited,
    proceed() {
      child.send({ type: 'proceed' });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      const { signal } = await exited;
      return { signal };
    },
    async stop() {
      const stopped = next('stopped', undefined, 30_000);
      child.send({ type: 'stop' });
      const report = await stopped;
      await exited;
      return report.counters;
    },
  };
}
