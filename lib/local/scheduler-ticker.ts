import type { LocalLog } from './local-log.js';

/** The event a scheduled job receives: the same one EventBridge Scheduler sends on AWS. */
export interface ScheduledJobEvent {
  job: string;
}

export interface TickerSchedule {
  name: string;
  localEveryMs: number;
}

export interface TickerJobStats {
  started: number;
  succeeded: number;
  failed: number;
  /** Ticks that found the previous run still going and were skipped. */
  skipped: number;
  running: boolean;
}

export interface SchedulerTicker {
  readonly stats: Readonly<Record<string, TickerJobStats>>;
  start(): void;
  /** Stops ticking and waits for the runs in progress. */
  stop(): Promise<void>;
}

/**
 * Plays EventBridge Scheduler on one machine: every `localEveryMs` it invokes the job with
 * `{ "job": name }`. A tick that finds the job still running is skipped, so one job never runs
 * twice at once (a long payout run must not overlap the next).
 */
export function createSchedulerTicker(options: {
  schedules: readonly TickerSchedule[];
  invoke: (schedule: TickerSchedule, event: ScheduledJobEvent) => Promise<unknown>;
  log: LocalLog;
}): SchedulerTicker {
  const stats: Record<string, TickerJobStats> = {};
  const inProgress = new Map<string, Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  for (const schedule of options.schedules) {
    stats[schedule.name] = { started: 0, succeeded: 0, failed: 0, skipped: 0, running: false };
  }

  function tick(schedule: TickerSchedule): void {
    const jobStats = stats[schedule.name]!;
    if (inProgress.has(schedule.name)) {
      jobStats.skipped += 1;
      return;
    }
    jobStats.started += 1;
    jobStats.running = true;
    const run = (async () => {
      try {
        await options.invoke(schedule, { job: schedule.name });
        jobStats.succeeded += 1;
      } catch (error) {
        jobStats.failed += 1;
        options.log.error(`scheduled job ${schedule.name} failed`, error);
      } finally {
        jobStats.running = false;
        inProgress.delete(schedule.name);
      }
    })();
    inProgress.set(schedule.name, run);
  }

  return {
    stats,
    start() {
      if (timers.length > 0) return;
      for (const schedule of options.schedules) {
        const timer = setInterval(() => tick(schedule), schedule.localEveryMs);
        timer.unref();
        timers.push(timer);
      }
    },
    async stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      await Promise.all(inProgress.values());
    },
  };
}
