/** The scheduled-jobs Lambda: `{ job, input? }` runs the job by name; bad events and unknown jobs throw. */
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/handlers/scheduled-jobs.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { DEFAULT_PAYOUT_MINIMUMS } from '../../../functions/domain/payouts/payout-thresholds.js';
import { createRoleExecutor } from '../../../functions/adapters/sql/role-executor.js';
import { functions } from '../../../lib/resources.js';

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

describe('scheduled-jobs handler: job runs (schema/0016_job_runs.sql)', () => {
  // As the function's own database role, so the grants that let it record runs are exercised too.
  const asScheduledJobs = () => {
    let clock = new Date('2026-03-01T12:00:00.000Z');
    const deps = {
      sql: createRoleExecutor(db.sql, functions.scheduledJobs.databaseRole!),
      // Each reading 1.5 s later: the run's start, then its end.
      now: () => (clock = new Date(clock.getTime() + 1_500)),
    } as unknown as PlatformDeps;
    return createHandler(deps);
  };
  const runsOf = async (job: string) =>
    (
      await db.sql.query<{ trigger: string; actor_type: string | null; status: string; started_at: string; finished_at: string | null; summary: unknown; error_message: string | null }>(
        `SELECT trigger, actor_type, status, started_at, finished_at, summary, error_message FROM job_runs WHERE job_name = :job ORDER BY job_run_id`,
        { job },
      )
    ).rows;

  it('records a scheduled run with its trigger, times, status and a summary that counts the lists', async () => {
    await db.sql.query(`DELETE FROM job_runs`);
    expect(await asScheduledJobs()({ job: 'reconciliation' })).toEqual({ job: 'reconciliation', result: { balanced: true, violations: [], money: [] } });
    expect(await runsOf('reconciliation')).toEqual([
      {
        trigger: 'schedule',
        actor_type: null,
        status: 'succeeded',
        started_at: '2026-03-01T12:00:01.500Z',
        finished_at: '2026-03-01T12:00:03.000Z',
        summary: { balanced: true, violations: 0, money: 0 },
        error_message: null,
      },
    ]);
  });

  it('records a failing run as failed with its message and still throws (the scheduler retries and dead-letters)', async () => {
    await expect(asScheduledJobs()({ job: 'payouts', input: { end_date: '2027-01-01' } })).rejects.toThrow(/future/);
    const [run] = await runsOf('payouts');
    expect(run).toMatchObject({ trigger: 'schedule', status: 'failed', summary: null, finished_at: '2026-03-01T12:00:03.000Z' });
    expect(run!.error_message).toMatch(/end_date must not be in the future/);
    expect(run!.error_message).not.toMatch(/\n\s+at /);
  });

  it('records no run for a job that does not exist', async () => {
    await expect(asScheduledJobs()({ job: 'nope' })).rejects.toThrow(/Unknown job/);
    expect(await runsOf('nope')).toEqual([]);
  });
});
