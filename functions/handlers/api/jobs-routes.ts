/**
 * `POST /v1/admin/jobs/{name}`: the operator runs a scheduled job now (functions/use-cases/scheduled-job-registry.ts);
 * `GET /v1/admin/job-runs`: every recorded run, the scheduler's and the operator's (schema/0016_job_runs.sql).
 */
import { z } from 'zod';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { silentLogger } from '../../platform/silent-telemetry.js';
import { listJobRuns } from '../../repositories/governance/job-runs.js';
import { runScheduledJob } from '../scheduled-job-deps.js';

const jobName = z.string().regex(/^[a-z0-9-]{1,64}$/);

const jobRunSchema = z.object({
  job_run_id: z.number().int(),
  job: z.string(),
  trigger: z.enum(['schedule', 'operator']),
  actor_type: z.string().nullable().describe('`admin` for a run by the operator; null for the scheduler'),
  started_at: z.string(),
  finished_at: z.string().nullable().describe('null while running (or after a run that never reported its end)'),
  duration_ms: z.number().int().nullable(),
  status: z.enum(['running', 'succeeded', 'failed']),
  summary: z.record(z.string(), z.unknown()).nullable().describe('What the job returned, counted (lists become their length)'),
  error: z.string().nullable().describe("The failure's message (no stack)"),
});

export const jobRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    operationId: 'runJob',
    path: '/v1/admin/jobs/{name}',
    auth: 'operator',
    summary: 'Run a scheduled job now (sync-links, payouts, approve-conversions, retention, ...)',
    tags: ['admin'],
    params: z.object({ name: jobName }),
    body: z.record(z.string(), z.unknown()).optional(),
    responses: { 200: { description: 'The job result', schema: z.object({ job: z.string(), result: z.unknown() }) } },
    handler: async ({ deps, params, body, actor, auth, now }) => {
      // An unknown name throws UnknownJobError, a NotFoundError (404), and records no run.
      const result = await runScheduledJob({
        name: params.name,
        deps,
        input: body ?? {},
        trigger: { trigger: 'operator', actor, webSessionId: auth.webSessionId },
        now,
      });
      (deps.logger ?? silentLogger).info('job run by operator', { job: params.name, actor_type: actor.actor_type });
      return ok({ job: params.name, result: result ?? null });
    },
  }),

  defineRoute({
    method: 'GET',
    operationId: 'listJobRuns',
    path: '/v1/admin/job-runs',
    auth: 'operator',
    summary: 'Recorded job runs, newest first (by the scheduler and by the operator)',
    tags: ['admin'],
    query: z.strictObject({ ...pageQueryShape, job: jobName.optional() }),
    responses: { 200: { description: 'A page of job runs', schema: pageSchema(jobRunSchema) } },
    handler: async ({ deps, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listJobRuns(deps.sql, { job_name: query.job, before_id: cursor?.id, limit: query.limit });
      return ok(
        toPage(
          rows,
          query.limit,
          (row) => ({ id: row.job_run_id }),
          (row) => ({
            job_run_id: row.job_run_id,
            job: row.job_name,
            trigger: row.trigger,
            actor_type: row.actor_type,
            started_at: row.started_at,
            finished_at: row.finished_at,
            duration_ms: row.finished_at === null ? null : Date.parse(row.finished_at) - Date.parse(row.started_at),
            status: row.status,
            summary: row.summary,
            error: row.error_message,
          }),
        ),
      );
    },
  }),
];
