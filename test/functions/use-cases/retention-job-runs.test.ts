/**
 * retention and job runs (schema/0016_job_runs.sql): runs started more than the notification
 * deliveries' age ago (90 days by default) are deleted, as the retention role; recent ones stay,
 * and the retention run that does it is itself recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleExecutor } from '../../../functions/adapters/sql/role-executor.js';
import { runScheduledJob } from '../../../functions/handlers/scheduled-job-deps.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import { functions } from '../../../lib/resources.js';
import { createTestDatabase, type TestDatabase } from '../../support/database/test-database.js';

let db: TestDatabase;
const now = new Date('2026-03-01T12:00:00.000Z');

beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

async function jobRun(name: string, startedAt: string): Promise<number> {
  const { rows } = await db.sql.query<{ id: number }>(
    `INSERT INTO job_runs (job_name, trigger, started_at, finished_at, status, summary)
     VALUES (:name, 'schedule', :at::timestamptz, :at::timestamptz + interval '2 seconds', 'succeeded', '{"n":1}'::jsonb) RETURNING job_run_id AS id`,
    { name, at: startedAt },
  );
  return Number(rows[0]!.id);
}

describe('retention of job runs', () => {
  it('deletes runs started over 90 days ago and keeps the rest', async () => {
    await jobRun('payouts', '2025-11-01T00:00:00Z');
    await jobRun('reconciliation', '2025-11-30T11:59:59Z');
    const recent = await jobRun('payouts', '2026-02-01T00:00:00Z');

    const deps = { sql: createRoleExecutor(db.sql, functions.scheduledJobs.databaseRole!), now: () => now } as unknown as PlatformDeps;
    const counts = (await runScheduledJob({ name: 'retention', deps, input: {} })) as Record<string, number>;
    expect(counts.job_runs_deleted).toBe(2);

    const { rows } = await db.sql.query<{ id: number; job_name: string; status: string; summary: Record<string, number> | null }>(
      `SELECT job_run_id AS id, job_name, status, summary FROM job_runs ORDER BY job_run_id`,
    );
    expect(rows.map((r) => [Number(r.id), r.job_name, r.status])).toEqual([
      [recent, 'payouts', 'succeeded'],
      [recent + 1, 'retention', 'succeeded'],
    ]);
    expect(rows[1]!.summary).toMatchObject({ job_runs_deleted: 2 });
  });
});
