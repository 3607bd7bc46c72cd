/**
 * The scheduled-job registry: the scheduler (functions/handlers/scheduled-jobs.ts) and
 * `POST /v1/admin/jobs/{name}` both run jobs by name through `runJob`. Each entry maps a job's
 * input to one use case. Adding a job = one entry in `jobs` below (and a schedule in lib/resources.ts).
 */
import { databaseJobRoles } from '../../lib/resources.js';
import { systemActor } from '../domain/audit/actor.js';
import { NotFoundError } from '../domain/errors.js';
import type { RetentionConfig } from '../platform/retention-config.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { ClickEraser } from '../ports/click-eraser.js';
import type { LinkStore } from '../ports/link-store.js';
import type { Logger } from '../ports/logger.js';
import type { NotificationQueue } from '../ports/notification-queue.js';
import type { PaymentDataCipher } from '../ports/payment-data-cipher.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { applyRetention } from './apply-retention.js';
import { approveConversions } from './approve-conversions.js';
import { encryptPaymentMethods } from './encrypt-payment-methods.js';
import { erasePartner } from './erase-partner.js';
import { erasePerson, erasureSubjectOf } from './erase-person.js';
import { rebuildTotals } from './rebuild-totals.js';
import { reconcile } from './reconcile.js';
import { runPayouts } from './run-payouts.js';
import { syncLinks } from './sync-links.js';

/** What jobs run with; the scheduled-jobs Lambda and the management API build it (functions/handlers/scheduled-job-deps.ts). */
export interface ScheduledJobDeps {
  sql: SqlExecutor;
  /** `sql` with every transaction run as `role` (schema/0013_database_roles.sql). */
  sqlAsRole(role: string): SqlExecutor;
  now: Date;
  linkStore: LinkStore;
  /** The hot store's clicks, for erasure; absent when no clicks table is configured. */
  clickEraser: ClickEraser | undefined;
  /** The notifications queue; absent when none is configured (notifications off). */
  notificationQueue: NotificationQueue | undefined;
  paymentDataCipher: PaymentDataCipher | undefined;
  /** Retention ages (RETENTION_* env); absent: the dictionary's. */
  retention: RetentionConfig | undefined;
  /** `PAYOUT_MINIMUM` and `PAYOUT_MINIMUMS` (docs/money.md). */
  payoutMinimum: string | undefined;
  payoutMinimums: string | undefined;
  logger?: Logger;
  metrics?: BusinessMetrics;
}

export type Job = (args: { deps: ScheduledJobDeps; input: Record<string, unknown> }) => Promise<unknown>;

export const jobs: Record<string, Job> = {
  /** Re-puts links marked for repair (`since`, ISO; default 7 days), or every link (`all: true`). */
  'sync-links': async ({ deps, input }) => {
    const since = typeof input.since === 'string' && !Number.isNaN(Date.parse(input.since)) ? new Date(input.since) : undefined;
    return syncLinks({ sql: deps.sql, linkStore: deps.linkStore, now: deps.now, since, all: input.all === true });
  },
  /** Pending conversions past their version's approval_hold_days -> approved (+ audit, + vendor notice). */
  'approve-conversions': ({ deps, input }) =>
    approveConversions({ sql: deps.sql, queue: deps.notificationQueue, now: deps.now, input, logger: deps.logger }),
  /** The money invariants (docs/payouts.md): `{ balanced, violations }`. */
  reconciliation: ({ deps }) => reconcile({ sql: deps.sql, logger: deps.logger }),
  /** campaign_partners totals recomputed from clicks, conversions and touches; reports the rows fixed. */
  'rebuild-totals': ({ deps, input }) => rebuildTotals({ sql: deps.sql, input, logger: deps.logger }),
  /** The dictionary's retention ages (from RETENTION_* env): activity 2 years, money and audit 7 years. */
  retention: ({ deps, input }) => applyRetention({ sql: deps.sql, now: deps.now, input, config: deps.retention, logger: deps.logger }),
  /** `{ email }` or `{ vendor_id, customer_id }`: pseudonymise one person's PII; `{ partner_id }`: a partner's identity (also POST /v1/admin/erasure). */
  'gdpr-erasure': ({ deps, input }) => {
    if (typeof input.partner_id === 'number') {
      return erasePartner({ sql: deps.sql, linkStore: deps.linkStore, partnerId: input.partner_id, actor: systemActor, now: deps.now, logger: deps.logger });
    }
    return erasePerson({ sql: deps.sql, clickEraser: deps.clickEraser, subject: erasureSubjectOf(input), actor: systemActor, now: deps.now, logger: deps.logger });
  },
  /** Seals payment details stored in clear before migration 0011 (docs/payment-data.md); needs the payment-data key. */
  'encrypt-payment-methods': ({ deps, input }) => encryptPaymentMethods({ sql: deps.sql, cipher: deps.paymentDataCipher, now: deps.now, input }),
  /** One payout run for `{ start_date?, end_date?, minimum?, minimums?, currency? }` (default: last month; thresholds per currency, docs/money.md). */
  payouts: ({ deps, input }) =>
    runPayouts({
      sql: deps.sql,
      now: deps.now,
      input,
      defaultMinimum: deps.payoutMinimum,
      configuredMinimums: deps.payoutMinimums,
      logger: deps.logger,
      metrics: deps.metrics,
    }),
};

/**
 * Jobs that run as a role of their own (schema/0013_database_roles.sql): the only ones allowed to
 * change audit_logs. Every other job runs as its function's role.
 */
export const jobDatabaseRoles: Record<string, string> = {
  retention: databaseJobRoles.retention,
  'gdpr-erasure': databaseJobRoles.erasure,
};

/** No job by that name: the admin route answers 404, the scheduler sees it throw. */
export class UnknownJobError extends NotFoundError {
  constructor(readonly jobName: string) {
    super(`Unknown job "${jobName}". Known jobs: ${Object.keys(jobs).join(', ')}.`);
  }
}

/** The job called `name`; throws `UnknownJobError` for a name not in the registry (checked before a run is recorded). */
export function jobNamed(name: string): Job {
  const job = Object.hasOwn(jobs, name) ? jobs[name] : undefined;
  if (!job) throw new UnknownJobError(name);
  return job;
}

/** Runs the job called `name`; throws `UnknownJobError` for a name not in the registry. */
export async function runJob({ name, deps, input = {} }: { name: string; deps: ScheduledJobDeps; input?: Record<string, unknown> }): Promise<unknown> {
  const job = jobNamed(name);
  const role = Object.hasOwn(jobDatabaseRoles, name) ? jobDatabaseRoles[name] : undefined;
  // Object.create, not a spread: the deps' adapters are built on first use (getters), and a job reads only its own.
  return job({ deps: role ? (Object.create(deps, { sql: { value: deps.sqlAsRole(role) } }) as ScheduledJobDeps) : deps, input });
}
