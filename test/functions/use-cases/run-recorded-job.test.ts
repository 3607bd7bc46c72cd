/**
 * runRecordedJob's failure policy (functions/use-cases/run-recorded-job.ts): the job's outcome is
 * what the caller sees. A failing job is recorded with its message (bounded, no stack) and rethrown;
 * a failure to record the end is logged and never fails a job whose work is done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';
import { runRecordedJob } from '../../../functions/use-cases/run-recorded-job.js';
import { createTestDatabase, type TestDatabase } from '../../support/database/test-database.js';
import { recordingLogger } from '../../support/fixtures/recording-telemetry.js';

let db: TestDatabase;
const startedAt = new Date('2026-03-01T12:00:00.000Z');
const clock = () => new Date('2026-03-01T12:00:02.250Z');

beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

const runOf = async (id: number) =>
  (await db.sql.query(`SELECT job_name, trigger, status, started_at, finished_at, summary, error_message FROM job_runs WHERE job_run_id = :id::bigint`, { id })).rows[0];
const lastId = async () => Number((await db.sql.query<{ id: number }>(`SELECT max(job_run_id) AS id FROM job_runs`)).rows[0]!.id);

describe('runRecordedJob', () => {
  it('records a failure with the error’s message, bounded and without its stack, and rethrows the same error', async () => {
    const failure = new TypeError(`boom ${'x'.repeat(2000)}`);
    await expect(runRecordedJob({ sql: db.sql, name: 'payouts', trigger: { trigger: 'schedule' }, startedAt, clock, run: () => Promise.reject(failure) })).rejects.toBe(failure);
    const run = await runOf(await lastId());
    expect(run).toMatchObject({ job_name: 'payouts', status: 'failed', finished_at: '2026-03-01T12:00:02.250Z', summary: null });
    expect(run!.error_message).toMatch(/^TypeError: boom x+…$/);
    expect((run!.error_message as string).length).toBe(1000);
  });

  it('returns the job’s result when its end cannot be recorded, logs it, and leaves the run `running`', async () => {
    const logger = recordingLogger();
    // The database refuses the closing UPDATE (as after a lost connection); the INSERT went through.
    const failingFinish: SqlExecutor = {
      ...db.sql,
      query: (text, params) => (/UPDATE job_runs/.test(text) ? Promise.reject(new Error('connection lost')) : db.sql.query(text, params)),
    } as SqlExecutor;
    const result = await runRecordedJob({ sql: failingFinish, name: 'sync-links', trigger: { trigger: 'operator', actor: { actor_type: 'admin', actor_id: null, ip_address: null } }, startedAt, clock, logger, run: async () => ({ synced: 3 }) });
    expect(result).toEqual({ synced: 3 });
    expect(await runOf(await lastId())).toMatchObject({ job_name: 'sync-links', trigger: 'operator', status: 'running', finished_at: null });
    expect(logger.lines).toEqual([expect.objectContaining({ level: 'error', message: 'job run not recorded as finished' })]);
  });
});
