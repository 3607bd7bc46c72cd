/**
 * The scheduled-job registry: `POST /v1/admin/jobs/{name}` and the scheduler both run jobs by
 * name through `runJob`. Adding a job = one entry in `jobs` below.
 */
import type { PlatformDeps } from '../platform/composition-root.js';
import type { LinkStore } from '../ports/link-store.js';
import { createLinkStore } from '../adapters/aws/link-writer.js';
import { syncLinksToHotStore } from '../repositories/partner-links-sync.js';
import { runPayoutsJob } from './payouts.js';
import { runApproveConversionsJob } from './approve-conversions.js';
import { runReconciliationJob } from './reconciliation.js';
import { runRebuildTotalsJob } from './rebuild-totals.js';
import { runRetentionJob } from './retention.js';
import { erasureSubjectOf, runErasure, runPartnerErasure } from './gdpr-erasure.js';
import { runEncryptPaymentMethodsJob } from './encrypt-payment-methods.js';
import { databaseJobRoles } from '../../lib/resources.js';
import { createRoleExecutor } from '../adapters/sql/role-executor.js';

export interface JobDeps extends PlatformDeps {
  /** Injected by callers that already hold one (the management API, tests). */
  linkStore?: LinkStore;
}

export type Job = (args: { deps: JobDeps; input: Record<string, unknown> }) => Promise<unknown>;

function linkStoreOf(deps: JobDeps): LinkStore {
  return deps.linkStore ?? createLinkStore({ client: deps.dynamodb, tableName: deps.config.tableNames.links });
}

export const jobs: Record<string, Job> = {
  /** Re-puts links marked for repair (`since`, ISO; default 7 days), or every link (`all: true`). */
  'sync-links': async ({ deps, input }) => {
    const since = typeof input.since === 'string' && !Number.isNaN(Date.parse(input.since)) ? new Date(input.since) : undefined;
    return syncLinksToHotStore({ sql: deps.sql, linkStore: linkStoreOf(deps), now: deps.now(), since, all: input.all === true });
  },
  /** One payout run for `{ start_date?, end_date?, minimum?, minimums?, currency? }` (default: last month; thresholds per currency, docs/money.md). */
  /** Pending conversions past their version's approval_hold_days -> approved (+ audit, + vendor notice). */
  'approve-conversions': ({ deps, input }) =>
    runApproveConversionsJob({ sql: deps.sql, sqs: deps.sqs, notificationsQueueUrl: deps.config.queueUrls.notifications, now: deps.now(), input }),
  /** The money invariants (docs/payouts.md): `{ balanced, violations }`. */
  reconciliation: ({ deps }) => runReconciliationJob({ sql: deps.sql }),
  /** campaign_partners totals recomputed from clicks, conversions and touches; reports the rows fixed. */
  'rebuild-totals': ({ deps, input }) => runRebuildTotalsJob({ sql: deps.sql, input }),
  /** The dictionary's retention ages (deps.config.retention, from RETENTION_* env): activity 2 years, money and audit 7 years. */
  retention: ({ deps, input }) => runRetentionJob({ sql: deps.sql, now: deps.now(), input, config: deps.config?.retention }),
  /** `{ email }` or `{ vendor_id, customer_id }`: pseudonymise one person's PII; `{ partner_id }`: a partner's identity (also POST /v1/admin/erasure). */
  'gdpr-erasure': ({ deps, input }) => {
    const actor = { actor_type: 'system' as const, actor_id: null, ip_address: null };
    if (typeof input.partner_id === 'number') {
      return runPartnerErasure({ sql: deps.sql, linkStore: linkStoreOf(deps), partnerId: input.partner_id, actor, now: deps.now() });
    }
    return runErasure({
      sql: deps.sql,
      dynamodb: deps.dynamodb,
      clicksTable: deps.config.tableNames.clicks,
      subject: erasureSubjectOf(input),
      actor,
      now: deps.now(),
    });
  },
  /** Seals payment details stored in clear before migration 0011 (docs/payment-data.md); needs the payment-data key. */
  'encrypt-payment-methods': ({ deps, input }) => runEncryptPaymentMethodsJob({ sql: deps.sql, cipher: deps.paymentDataCipher, now: deps.now(), input }),
  payouts: ({ deps, input }) =>
    runPayoutsJob({
      sql: deps.sql,
      now: deps.now(),
      input,
      defaultMinimum: process.env.PAYOUT_MINIMUM,
      configuredMinimums: process.env.PAYOUT_MINIMUMS,
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

export class UnknownJobError extends Error {
  constructor(readonly jobName: string) {
    super(`Unknown job "${jobName}". Known jobs: ${Object.keys(jobs).join(', ')}.`);
    this.name = 'UnknownJobError';
  }
}

/** Runs the job called `name`; throws `UnknownJobError` for a name not in the registry. */
export async function runJob({ name, deps, input = {} }: { name: string; deps: JobDeps; input?: Record<string, unknown> }): Promise<unknown> {
  const job = Object.hasOwn(jobs, name) ? jobs[name] : undefined;
  if (!job) throw new UnknownJobError(name);
  const role = Object.hasOwn(jobDatabaseRoles, name) ? jobDatabaseRoles[name] : undefined;
  return job({ deps: role ? Object.create(deps, { sql: { value: createRoleExecutor(deps.sql, role) } }) : deps, input });
}
