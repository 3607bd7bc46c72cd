/**
 * The scheduled-jobs Lambda: EventBridge Scheduler (and the local ticker) invoke it with
 * `{ job, input? }` (functions/ports/scheduled-job-event.ts); it runs the job through the registry
 * in functions/use-cases/scheduled-job-registry.ts, recorded in `job_runs` (trigger `schedule`), and returns the
 * job's result. An invalid event, an unknown job or a failing job throws, so the scheduler's retry policy and DLQ see the failure.
 */
import { platformDepsFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import { scheduledJobEventSchema } from '../ports/scheduled-job-event.js';
import { runScheduledJob } from './scheduled-job-deps.js';

export function createHandler(deps: PlatformDeps) {
  const logger = deps.logger ?? silentLogger;
  return async (event: unknown): Promise<{ job: string; result: unknown }> => {
    const parsed = scheduledJobEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new Error(`Invalid scheduled job event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const { job, input } = parsed.data;
    const started = deps.now();
    const result = await runScheduledJob({ name: job, deps, input: input ?? {}, now: started });
    logger.info('scheduled job done', { job, started_at: started.toISOString(), duration_ms: deps.now().getTime() - started.getTime() });
    return { job, result: result ?? null };
  };
}

export const handler = lazyHandler(() => createHandler(platformDepsFromEnv()));
