/** The scheduled-jobs Lambda: `{ job, input? }` runs the job by name; bad events and unknown jobs throw. */
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/handlers/scheduled-jobs.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { DEFAULT_PAYOUT_MINIMUMS } from '../../../functions/domain/payouts/payout-thresholds.js';

let handler: ReturnType<typeof createHandler>;

const db = useTestDatabase(async () => {
  handler = createHandler({ sql: db.sql, now: () => new Date('2026-03-01T12:00:00.000Z') } as unknown as PlatformDeps);
}, 60_000);

describe('scheduled-jobs handler', () => {
  it('runs the payouts job with the default period (last month) and the reconciliation job', async () => {
    const payouts = await handler({ job: 'payouts' });
    expect(payouts).toEqual({
      job: 'payouts',
      result: {
        start_date: '2026-02-01T00:00:00.000Z',
        end_date: '2026-03-01T00:00:00.000Z',
        // Per-currency defaults (docs/money.md), 50 of the major unit for any other currency.
        minimum: '50',
        thresholds: DEFAULT_PAYOUT_MINIMUMS,
        created: [],
        skipped: [],
      },
    });
    expect(await handler({ job: 'reconciliation', input: {} })).toEqual({ job: 'reconciliation', result: { balanced: true, violations: [], money: [] } });
  });

  it('throws on an unknown job or an invalid event, so the scheduler retries / dead-letters it', async () => {
    await expect(handler({ job: 'nope' })).rejects.toThrow(/Unknown job/);
    await expect(handler({ jobb: 'payouts' })).rejects.toThrow(/Invalid scheduled job event/);
    await expect(handler({ job: 'payouts', input: { end_date: '2027-01-01' } })).rejects.toThrow(/future/);
  });
});
