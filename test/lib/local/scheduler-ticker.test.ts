import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../../lib/local/local-log.js';
import { createSchedulerTicker, type ScheduledJobEvent, type SchedulerTicker } from '../../../lib/local/scheduler-ticker.js';

const tickers: SchedulerTicker[] = [];
afterEach(async () => {
  await Promise.all(tickers.splice(0).map((ticker) => ticker.stop()));
});

function waitFor(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
}

describe('scheduler ticker', () => {
  it('invokes each job with { job: name } on its period', async () => {
    const events: ScheduledJobEvent[] = [];
    const ticker = createSchedulerTicker({
      schedules: [
        { name: 'approve-conversions', localEveryMs: 20 },
        { name: 'payouts', localEveryMs: 3_600_000 },
      ],
      invoke: async (_schedule, event) => {
        events.push(event);
      },
      log: silentLog,
    });
    tickers.push(ticker);
    ticker.start();
    await waitFor(() => events.length >= 3);
    await ticker.stop();
    expect(events.every((event) => event.job === 'approve-conversions')).toBe(true);
    expect(events[0]).toEqual({ job: 'approve-conversions' });
    expect(ticker.stats.payouts).toMatchObject({ started: 0 });
  });

  it('never runs two instances of one job at once: ticks during a run are skipped', async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    let release: () => void = () => {};
    const ticker = createSchedulerTicker({
      schedules: [{ name: 'payouts', localEveryMs: 10 }],
      invoke: async () => {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        // The first run is held open until several ticks have passed it by.
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        concurrent -= 1;
      },
      log: silentLog,
    });
    tickers.push(ticker);
    ticker.start();
    await waitFor(() => ticker.stats.payouts!.skipped >= 3);
    expect(ticker.stats.payouts).toMatchObject({ started: 1, running: true });
    release();
    await waitFor(() => ticker.stats.payouts!.started >= 2);
    release();
    await ticker.stop();
    expect(maxConcurrent).toBe(1);
    expect(ticker.stats.payouts!.succeeded).toBeGreaterThanOrEqual(1);
  });

  it('counts a failed run and keeps ticking', async () => {
    let calls = 0;
    const ticker = createSchedulerTicker({
      schedules: [{ name: 'retention', localEveryMs: 10 }],
      invoke: async () => {
        calls += 1;
        if (calls === 1) throw new Error('transient');
      },
      log: silentLog,
    });
    tickers.push(ticker);
    ticker.start();
    await waitFor(() => ticker.stats.retention!.succeeded >= 1);
    await ticker.stop();
    expect(ticker.stats.retention!.failed).toBe(1);
  });
});
