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
import { erasureSubjectOf, runErasure } from './gdpr-erasure.js';

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
  /** Clicks/journeys > 2 years, cookies 1 year past expiry, click IPs masked; money kept (7 years). */
  retention: ({ deps, input }) =>
    runRetentionJob({ sql: deps.sql, now: deps.now(), input, defaultIpDays: Number(process.env.RETENTION_IP_DAYS) || undefined }),
  /** `{ email }` or `{ vendor_id, customer_id }`: pseudonymise one person's PII (also POST /v1/admin/erasure). */
  'gdpr-erasure': ({ deps, input }) =>
    runErasure({
      sql: deps.sql,
      dynamodb: deps.dynamodb,
      clicksTable: deps.config.tableNames.clicks,
      subject: erasureSubjectOf(input),
      actor: { actor_type: 'system', actor_id: null, ip_address: null },
      now: deps.now(),
    }),
  payouts: ({ deps, input }) =>
    runPayoutsJob({
      sql: deps.sql,
      now: deps.now(),
      input,
      defaultMinimum: process.env.PAYOUT_MINIMUM,
      configuredMinimums: process.env.PAYOUT_MINIMUMS,
    }),
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
  return job({ deps, input });
}
