/**
 * The `retention` job: clicks, touches' personal links and funnel journeys older than 2 years,
 * cookies 1 year past expiry, click IPs masked after `ip_anonymise_days` (default 90, env
 * RETENTION_IP_DAYS). Bounded batches (`batch_size`, default 1000), counts logged. Financial
 * tables are kept 7 years and not touched.
 */
import type { SqlExecutor } from '../ports/sql-executor.js';
import { anonymiseClickIps, deleteExpiredCookies, deleteOldClicks, deleteOldJourneys, detachOldTouches, inBatches } from '../repositories/retention.js';

const DAY = 24 * 60 * 60 * 1000;
const positive = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : fallback);

export async function runRetentionJob({ sql, now, input, defaultIpDays }: { sql: SqlExecutor; now: Date; input: Record<string, unknown>; defaultIpDays?: number }) {
  const limit = positive(input.batch_size, 1000);
  const maxBatches = positive(input.max_batches, 1000);
  const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
  const twoYears = ago(positive(input.activity_days, 730));
  const run = (batch: Parameters<typeof inBatches>[1], cutoff: string) => inBatches(sql, batch, { cutoff, limit, maxBatches });
  const counts = {
    click_ips_anonymised: await run(anonymiseClickIps, ago(positive(input.ip_anonymise_days, defaultIpDays ?? 90))),
    touches_detached: await run(detachOldTouches, twoYears),
    funnel_journeys_deleted: await run(deleteOldJourneys, twoYears),
    clicks_deleted: await run(deleteOldClicks, twoYears),
    cookies_deleted: await run(deleteExpiredCookies, ago(positive(input.cookie_days_past_expiry, 365))),
  };
  console.info(JSON.stringify({ level: 'info', message: 'retention', ...counts }));
  return counts;
}
