/** `POST /v1/admin/jobs/{name}`: the operator runs a scheduled job now (functions/use-cases/scheduled-job-registry.ts). */
import { z } from 'zod';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { silentLogger } from '../../platform/silent-telemetry.js';
import { runScheduledJob } from '../scheduled-job-deps.js';

export const jobRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    operationId: 'runJob',
    path: '/v1/admin/jobs/{name}',
    auth: 'operator',
    summary: 'Run a scheduled job now (sync-links, payouts, approve-conversions, retention, ...)',
    tags: ['admin'],
    params: z.object({ name: z.string().regex(/^[a-z0-9-]{1,64}$/) }),
    body: z.record(z.string(), z.unknown()).optional(),
    responses: { 200: { description: 'The job result', schema: z.object({ job: z.string(), result: z.unknown() }) } },
    handler: async ({ deps, params, body, actor, now }) => {
      // An unknown name throws UnknownJobError, a NotFoundError (404).
      const result = await runScheduledJob({ name: params.name, deps: Object.create(deps, { now: { value: () => now } }), input: body ?? {} });
      (deps.logger ?? silentLogger).info('job run by operator', { job: params.name, actor_type: actor.actor_type });
      return ok({ job: params.name, result: result ?? null });
    },
  }),
];
