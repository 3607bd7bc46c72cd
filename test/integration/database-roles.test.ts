/**
 * The scheduled jobs under their database roles (schema/0013_database_roles.sql) on real data: the
 * demo scenario fills the local platform (every function already running as its own role), then
 * each job runs through the scheduled-jobs Lambda as the scheduler would invoke it, so it runs as
 * `affiliate_scheduled_jobs`, and retention and erasure as their own roles. Each job is given
 * work that reaches its writes: a corrupted total to fix, a held conversion to approve, approved
 * credit to pay, a person to erase. A grant missing from the migration fails here with 42501.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoHttp } from '../../lib/demo/demo-http.js';
import { runDemoScenario } from '../../lib/demo/run-demo-scenario.js';
import { silentLog } from '../../lib/local/local-log.js';
import { startLocalPlatform, type LocalPlatform } from '../../lib/local/start-local-platform.js';

describe('scheduled jobs under their database roles, on the demo scenario', () => {
  let platform: LocalPlatform;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'database-roles-'));
    platform = await startLocalPlatform({ port: 0, dataDir, tickerEnabled: false, log: silentLog, retryDelaySeconds: 0 });
    const report = await runDemoScenario({ http: createDemoHttp({ baseUrl: platform.url }), adminToken: platform.adminToken });
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const runJob = async (job: string, input: Record<string, unknown> = {}) =>
    ((await platform.invoke('scheduledJobs', { job, input })) as { result: Record<string, unknown> }).result;

  it('rebuild-totals fixes a corrupted enrollment total', async () => {
    const { rows } = await platform.deps.sql.query<{ campaign_partner_id: number }>(
      `UPDATE campaign_partners SET total_clicks = total_clicks + 7
       WHERE campaign_partner_id = (SELECT min(campaign_partner_id) FROM campaign_partners) RETURNING campaign_partner_id`,
    );
    const result = (await runJob('rebuild-totals')) as { fixed: unknown[] };
    expect(result.fixed.length).toBeGreaterThanOrEqual(1);
    const again = (await runJob('rebuild-totals')) as { fixed: unknown[] };
    expect(again.fixed).toEqual([]);
    expect(rows).toHaveLength(1);
  });

  it('approve-conversions approves a conversion past its hold, with its audit row', async () => {
    const { rows } = await platform.deps.sql.query<{ conversion_event_id: number }>(
      `UPDATE conversion_events SET status = 'pending', occurred_at = occurred_at - INTERVAL '90 days'
       WHERE conversion_event_id = (SELECT min(conversion_event_id) FROM conversion_events WHERE status = 'approved')
       RETURNING conversion_event_id`,
    );
    expect(rows).toHaveLength(1);
    const result = (await runJob('approve-conversions')) as { approved: number; conversion_event_ids: number[] };
    expect(result.conversion_event_ids).toContain(rows[0]!.conversion_event_id);
  });

  it('payouts pays the approved credit left unpaid, and the books still balance', async () => {
    const period = { start_date: '2000-01-01T00:00:00.000Z', end_date: new Date().toISOString(), minimum: '0.01' };
    const first = (await runJob('payouts', period)) as { skipped: { partner_id: number; reason: string }[] };
    // The demo leaves a partner owed but without a verified account: give them one (a wire account
    // like the other partners'), and the same run pays them.
    const unpaid = first.skipped.find((skip) => skip.reason === 'no_verified_default_method');
    expect(unpaid).toBeDefined();
    await platform.deps.sql.query(
      `INSERT INTO partner_payment_methods (partner_id, payment_provider_id, provider_account_id, account_details, is_default, is_verified, verified_at)
       SELECT :partner::integer, payment_provider_id, 'roles-test', account_details, TRUE, TRUE, NOW()
       FROM partner_payment_methods WHERE is_verified AND NOT COALESCE(is_deleted, FALSE) ORDER BY partner_payment_method_id LIMIT 1`,
      { partner: unpaid!.partner_id },
    );
    const second = (await runJob('payouts', period)) as { created: { partner_id: number }[] };
    expect(second.created.map((payout) => payout.partner_id)).toContain(unpaid!.partner_id);
    expect(await runJob('reconciliation')).toMatchObject({ balanced: true, violations: [] });
  });

  it('sync-links re-puts every link into the hot store', async () => {
    const result = (await runJob('sync-links', { all: true })) as { synced: number; failed: number[] };
    expect(result.synced).toBeGreaterThanOrEqual(3);
    expect(result.failed).toEqual([]);
  });

  it('retention runs as affiliate_retention, and erasure as affiliate_erasure pseudonymises a customer', async () => {
    const retention = await runJob('retention');
    expect(Object.values(retention).every((count) => typeof count === 'number')).toBe(true);

    const { rows } = await platform.deps.sql.query<{ customer_email: string }>(
      `SELECT lower(customer_email) AS customer_email FROM conversion_events WHERE customer_email LIKE '%@%' ORDER BY conversion_event_id LIMIT 1`,
    );
    expect(rows).toHaveLength(1);
    const erased = (await runJob('gdpr-erasure', { email: rows[0]!.customer_email })) as { conversions: number };
    expect(erased.conversions).toBeGreaterThanOrEqual(1);
    const left = await platform.deps.sql.query(`SELECT 1 FROM conversion_events WHERE lower(customer_email) = :email`, { email: rows[0]!.customer_email });
    expect(left.rows).toEqual([]);
    // The erasure audited itself, and amounts were not touched.
    const audit = await platform.deps.sql.query(`SELECT 1 FROM audit_logs WHERE entity_type = 'erasure'`);
    expect(audit.rows.length).toBeGreaterThanOrEqual(1);
    expect(await runJob('reconciliation')).toMatchObject({ balanced: true, violations: [] });
  });
});
