/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field. */
/**
 * `POST /v1/admin/jobs/{name}` records the operator's runs and `GET /v1/admin/job-runs` lists
 * every run (schema/0016_job_runs.sql), against the management API as its own database role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../../functions/handlers/management-api.js';
import { createHandler as createScheduledJobsHandler } from '../../../../functions/handlers/scheduled-jobs.js';
import { createRoleExecutor } from '../../../../functions/adapters/sql/role-executor.js';
import { functions } from '../../../../lib/resources.js';
import { createApiClient } from '../../../support/platform/api-client.js';
import { adminToken, createApiFixture, createPartner, createVendor, expectProblem, type ApiFixture } from '../../../support/platform/api-fixture.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await createApiFixture();
});
afterAll(async () => {
  await f?.close();
});

describe('job runs', () => {
  it('records an operator run and a scheduled run, and lists them newest first with trigger, status and summary', async () => {
    const byOperator = await f.api.post('/v1/admin/jobs/reconciliation', {}, { token: adminToken });
    expect(byOperator.status, JSON.stringify(byOperator.body)).toBe(200);
    const scheduler = createScheduledJobsHandler({ ...f.deps, sql: createRoleExecutor(f.db.sql, functions.scheduledJobs.databaseRole!) });
    await scheduler({ job: 'sync-links' });

    const res = await f.api.get('/v1/admin/job-runs', { token: adminToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.next_cursor).toBeNull();
    expect(res.body.data).toEqual([
      expect.objectContaining({ job: 'sync-links', trigger: 'schedule', actor_type: null, status: 'succeeded', summary: { synced: 0, failed: 0 }, error: null }),
      expect.objectContaining({
        job: 'reconciliation',
        trigger: 'operator',
        actor_type: 'admin',
        status: 'succeeded',
        started_at: f.clock.now.toISOString(),
        summary: { balanced: true, violations: 0, money: 0 },
        error: null,
      }),
    ]);
    expect(res.body.data[1].duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('records a failing run as failed and still answers 5xx problem+json', async () => {
    // Without the payment-data key this job fails with a plain Error: a 500, as before runs were recorded.
    const api = createApiClient(createHandler({ ...f.deps, paymentDataCipher: undefined }));
    expectProblem(await api.post('/v1/admin/jobs/encrypt-payment-methods', {}, { token: adminToken }), 500);
    const res = await f.api.get('/v1/admin/job-runs?job=encrypt-payment-methods', { token: adminToken });
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({ job: 'encrypt-payment-methods', trigger: 'operator', status: 'failed', summary: null });
    expect(res.body.data[0].error).toMatch(/^PaymentDataCipherMissingError: encrypt-payment-methods needs the payment-data key/);
    expect(res.body.data[0].finished_at).not.toBeNull();
  });

  it('records nothing for an unknown job (404)', async () => {
    expectProblem(await f.api.post('/v1/admin/jobs/no-such-job', {}, { token: adminToken }), 404);
    const res = await f.api.get('/v1/admin/job-runs?job=no-such-job', { token: adminToken });
    expect(res.body.data).toEqual([]);
  });

  it('filters by job and pages with a cursor, newest first', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await f.api.post('/v1/admin/jobs/rebuild-totals', {}, { token: adminToken })).status).toBe(200);
    }
    const first = await f.api.get('/v1/admin/job-runs?job=rebuild-totals&limit=2', { token: adminToken });
    expect(first.body.data.map((r: any) => r.job)).toEqual(['rebuild-totals', 'rebuild-totals']);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await f.api.get(`/v1/admin/job-runs?job=rebuild-totals&limit=2&cursor=${first.body.next_cursor}`, { token: adminToken });
    expect(second.body.data).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    const ids = [...first.body.data, ...second.body.data].map((r: any) => r.job_run_id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expectProblem(await f.api.get('/v1/admin/job-runs?job=Not_A_Job', { token: adminToken }), 400);
  });

  it('is the operator’s only: 401 without a token, 403 for vendor and partner keys', async () => {
    const vendor = await createVendor(f.api);
    const partner = await createPartner(f.api);
    expectProblem(await f.api.get('/v1/admin/job-runs'), 401);
    expectProblem(await f.api.get('/v1/admin/job-runs', { token: vendor.key }), 403);
    expectProblem(await f.api.get('/v1/admin/job-runs', { token: partner.key }), 403);
  });
});
