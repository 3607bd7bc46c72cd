/**
 * What scheduled jobs run with, built from a function's platform deps: the scheduled-jobs Lambda
 * and `POST /v1/admin/jobs/{name}` (the management API) both run jobs through
 * `runScheduledJob`. Adapters are built on first use, so a job builds only what it reads.
 */
import { createDynamoDbClickEraser } from '../adapters/aws/dynamodb-click-eraser.js';
import { createLinkStore } from '../adapters/aws/link-writer.js';
import { createSqsNotificationQueue } from '../adapters/aws/sqs-notification-queue.js';
import { createRoleExecutor } from '../adapters/sql/role-executor.js';
import type { PlatformDeps } from '../platform/composition-root.js';
import type { LinkStore } from '../ports/link-store.js';
import { runRecordedJob, type JobRunTrigger } from '../use-cases/run-recorded-job.js';
import { jobNamed, runJob, type ScheduledJobDeps } from '../use-cases/scheduled-job-registry.js';

export interface JobPlatformDeps extends PlatformDeps {
  /** Injected by callers that already hold one (the management API, tests). */
  linkStore?: LinkStore;
}

export function scheduledJobDepsOf(deps: JobPlatformDeps, now: Date): ScheduledJobDeps {
  let linkStore = deps.linkStore;
  return {
    sql: deps.sql,
    sqlAsRole: (role) => createRoleExecutor(deps.sql, role),
    now,
    get linkStore() {
      linkStore ??= createLinkStore({ client: deps.dynamodb, tableName: deps.config.tableNames.links });
      return linkStore;
    },
    get clickEraser() {
      const tableName = deps.config.tableNames.clicks;
      return tableName ? createDynamoDbClickEraser({ client: deps.dynamodb, tableName }) : undefined;
    },
    get notificationQueue() {
      const queueUrl = deps.config.queueUrls.notifications;
      return queueUrl ? createSqsNotificationQueue({ client: deps.sqs, queueUrl }) : undefined;
    },
    paymentDataCipher: deps.paymentDataCipher,
    retention: deps.config?.retention,
    payoutMinimum: deps.config?.payoutMinimum,
    payoutMinimums: deps.config?.payoutMinimums,
    logger: deps.logger,
    metrics: deps.metrics,
  };
}

/**
 * Runs the job called `name` with `now` (default `deps.now()`) as its clock and records the run in
 * `job_runs` with its trigger (default: the scheduler); unknown names throw `UnknownJobError` (a
 * NotFoundError) and record nothing. A failing job is recorded `failed` and still throws.
 */
export function runScheduledJob({
  name,
  deps,
  input = {},
  trigger = { trigger: 'schedule' },
  now = deps.now(),
}: {
  name: string;
  deps: JobPlatformDeps;
  input?: Record<string, unknown>;
  trigger?: JobRunTrigger;
  now?: Date;
}): Promise<unknown> {
  jobNamed(name);
  return runRecordedJob({
    sql: deps.sql,
    name,
    trigger,
    startedAt: now,
    clock: deps.now,
    logger: deps.logger,
    run: () => runJob({ name, deps: scheduledJobDepsOf(deps, now), input }),
  });
}
