import { describe, expect, it } from 'vitest';
import { DemoStepError, type DemoHttp } from '../../../lib/demo/demo-http.js';
import { deadLetteredSince, nothingInFlight, queueSnapshotOf, reachedMinimum, waitForQueues, type QueueSnapshot } from '../../../lib/demo/wait-for-queues.js';

const q = (received: number, succeeded: number, failed = 0, deadLettered = 0) => ({ received, succeeded, failed, deadLettered });

/** A DemoHttp whose /healthz answers the given snapshots in turn (the last one forever). */
function healthSequence(snapshots: QueueSnapshot[]): DemoHttp & { calls: number } {
  const fake = {
    baseUrl: 'http://demo.invalid',
    calls: 0,
    json: () => Promise.reject(new Error('not used')),
    fetch: async () => {
      const snapshot = snapshots[Math.min(fake.calls, snapshots.length - 1)]!;
      fake.calls += 1;
      return new Response(JSON.stringify({ status: 'ok', queues: snapshot }), { status: 200 });
    },
  };
  return fake;
}

describe('queue counters', () => {
  it('reads /healthz queues, tolerating missing fields and bodies', () => {
    expect(queueSnapshotOf({ queues: { clicks: { received: 3, succeeded: 2 } } })).toEqual({ clicks: q(3, 2) });
    expect(queueSnapshotOf({ status: 'starting' })).toEqual({});
    expect(queueSnapshotOf(null)).toEqual({});
  });

  it('tells in-flight batches, dead letters and reached minimums apart', () => {
    expect(nothingInFlight({ clicks: q(10, 8, 2), conversions: q(0, 0) })).toBe(true);
    expect(nothingInFlight({ clicks: q(10, 8, 1) })).toBe(false);
    expect(deadLetteredSince({ clicks: q(1, 1, 0, 1) }, { clicks: q(5, 3, 2, 2), conversions: q(0, 0) })).toEqual({ clicks: 1 });
    expect(reachedMinimum({ clicks: q(5, 5) }, { clicks: q(9, 9) }, { clicks: 4 })).toBe(true);
    expect(reachedMinimum({ clicks: q(5, 5) }, { clicks: q(9, 8) }, { clicks: 4 })).toBe(false);
    expect(reachedMinimum({}, {}, { conversions: 1 })).toBe(false);
  });
});

describe('waitForQueues', () => {
  const baseline = { clicks: q(10, 10), conversions: q(0, 0) };

  it('returns once the named queues succeeded enough more and nothing is in flight', async () => {
    const http = healthSequence([
      { clicks: q(15, 10), conversions: q(0, 0) },
      { clicks: q(20, 19), conversions: q(0, 0) },
      { clicks: q(20, 20), conversions: q(0, 0) },
    ]);
    expect(await waitForQueues({ http, step: 'test', baseline, minimumSucceeded: { clicks: 10 }, pollMs: 1 })).toEqual({ clicks: q(20, 20), conversions: q(0, 0) });
    expect(http.calls).toBe(3);
  });

  it('without a minimum, returns after a quiet period', async () => {
    const http = healthSequence([{ clicks: q(12, 12), conversions: q(0, 0) }]);
    await waitForQueues({ http, step: 'test', baseline, quietMs: 20, pollMs: 5 });
    expect(http.calls).toBeGreaterThan(1);
  });

  it('fails at once on a dead letter, and after the timeout otherwise', async () => {
    await expect(
      waitForQueues({ http: healthSequence([{ clicks: q(11, 10, 1, 1), conversions: q(0, 0) }]), step: 'clicks', baseline, minimumSucceeded: { clicks: 1 }, pollMs: 1 }),
    ).rejects.toThrow(/clicks: messages were dead-lettered \(\{"clicks":1\}\)/);
    await expect(
      waitForQueues({ http: healthSequence([baseline]), step: 'wave 1', baseline, minimumSucceeded: { conversions: 3 }, timeoutMs: 30, pollMs: 5 }),
    ).rejects.toThrow(DemoStepError);
  });
});
