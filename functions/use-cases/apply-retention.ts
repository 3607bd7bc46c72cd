/**
 * Applies the retention policy (the `retention` job, docs/privacy-and-retention.md): every age of the data dictionary's
 * retention policy, from `RetentionConfig` (env, validated at cold start; defaults = the
 * dictionary). Order matters for the money: payouts before the conversions they pay, and each
 * purge removes a whole unit (payout + events + netted adjustments; conversion + touches +
 * snapshots) so the books balance after every batch. Bounded batches (`batch_size`, default
 * 1000), counts returned and logged.
 */
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { defaultRetentionConfig, type RetentionConfig } from '../platform/retention-config.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import {
  anonymiseClickIps,
  clearOldUnattributedPayloads,
  deleteEndedWebSessions,
  deleteExpiredCookies,
  deleteExpiredSignInLinks,
  deleteOldClicks,
  deleteOldJobRuns,
  deleteOldJourneys,
  deleteOldNotificationDeliveries,
  deleteOldUnsubscribeLinks,
  deleteOldUnattributedConversions,
  deleteOldWebhookDeliveries,
  detachOldTouches,
  purgeOldAuditLogs,
  purgeOldConversions,
  purgeOldPayouts,
  type RetentionBatch,
} from '../repositories/governance/retention.js';

const DAY = 24 * 60 * 60 * 1000;
const positive = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : fallback);

export interface RetentionCounts {
  click_ips_anonymised: number;
  touches_detached: number;
  funnel_journeys_deleted: number;
  clicks_deleted: number;
  cookies_deleted: number;
  payouts_purged: number;
  conversions_purged: number;
  audit_logs_purged: number;
  webhook_deliveries_deleted: number;
  notification_deliveries_deleted: number;
  unattributed_payloads_cleared: number;
  unattributed_conversions_deleted: number;
  web_sessions_deleted: number;
  sign_in_links_deleted: number;
  job_runs_deleted: number;
  unsubscribe_links_deleted: number;
}

/** The cutoff of every age at `now`: rows strictly older than their cutoff go. */
export function retentionCutoffs(now: Date, config: RetentionConfig): Record<keyof RetentionConfig, string> {
  return Object.fromEntries(
    Object.entries(config).map(([key, days]) => [key, new Date(now.getTime() - days * DAY).toISOString()]),
  ) as Record<keyof RetentionConfig, string>;
}

export async function applyRetention({
  sql,
  now,
  input,
  config = defaultRetentionConfig,
  logger = silentLogger,
}: {
  sql: SqlExecutor;
  now: Date;
  input: Record<string, unknown>;
  config?: RetentionConfig;
  logger?: Logger;
}): Promise<RetentionCounts> {
  const limit = positive(input.batch_size, 1000);
  const maxBatches = positive(input.max_batches, 1000);
  const cutoff = retentionCutoffs(now, config);
  // Each batch until one touches fewer than `limit` rows (or `maxBatches` ran): the rows touched.
  const run = async (batch: RetentionBatch, at: string) => {
    let total = 0;
    for (let i = 0; i < maxBatches; i += 1) {
      const n = await batch(sql, { cutoff: at, limit });
      total += n;
      if (n < limit) break;
    }
    return total;
  };
  const counts: RetentionCounts = {
    click_ips_anonymised: await run(anonymiseClickIps, cutoff.clickIpDays),
    touches_detached: await run(detachOldTouches, cutoff.touchesDays),
    funnel_journeys_deleted: await run(deleteOldJourneys, cutoff.funnelJourneysDays),
    clicks_deleted: await run(deleteOldClicks, cutoff.clicksDays),
    cookies_deleted: await run(deleteExpiredCookies, cutoff.expiredCookiesDays),
    payouts_purged: await run((tx, args) => purgeOldPayouts(tx, { ...args, conversionCutoff: cutoff.conversionsDays }), cutoff.payoutsDays),
    conversions_purged: await run(purgeOldConversions, cutoff.conversionsDays),
    audit_logs_purged: await run(purgeOldAuditLogs, cutoff.auditLogsDays),
    webhook_deliveries_deleted: await run(deleteOldWebhookDeliveries, cutoff.webhookDeliveriesDays),
    notification_deliveries_deleted: await run(deleteOldNotificationDeliveries, cutoff.notificationDeliveriesDays),
    unattributed_payloads_cleared: await run(clearOldUnattributedPayloads, cutoff.unattributedPayloadDays),
    unattributed_conversions_deleted: await run(deleteOldUnattributedConversions, cutoff.conversionsDays),
    // The web app's sign-in records hold an address and an IP: they go at the click IPs' age.
    web_sessions_deleted: await run(deleteEndedWebSessions, cutoff.clickIpDays),
    sign_in_links_deleted: await run(deleteExpiredSignInLinks, cutoff.clickIpDays),
    // Job runs are operational records like outbound notices: they go at the notification deliveries' age.
    job_runs_deleted: await run(deleteOldJobRuns, cutoff.notificationDeliveriesDays),
    unsubscribe_links_deleted: await run(deleteOldUnsubscribeLinks, cutoff.unsubscribeLinksDays),
  };
  logger.info('retention', { ...counts });
  return counts;
}
