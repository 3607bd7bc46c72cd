// 642 lines: one migrated database checked against the data dictionary (tables, indexes, uniques, CHECKs, triggers, migration files); split by table, each file would repeat the migration run and the seeding helpers.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlExecutor, SqlParams } from '../../functions/ports/sql-executor.js';
import { defaultMigrationsDirectory, runMigrations } from '../../functions/adapters/sql/run-migrations.js';
import { splitSqlStatements } from '../../functions/adapters/sql/split-sql-statements.js';
import { useTestDatabase } from '../support/database/use-test-database.js';

const dictionaryTables = [
  'vendors',
  'partners',
  'partner_types',
  'partner_partner_types',
  'vendor_users',
  'campaigns',
  'campaign_versions',
  'campaign_tiers',
  'campaign_partners',
  'partner_campaign_overrides',
  'partner_links',
  'cookies',
  'clicks',
  'conversion_events',
  'touches',
  'funnel_journeys',
  'conversion_event_types',
  'rewards',
  'commission_rules',
  'event_commission_snapshots',
  'payouts',
  'payout_events',
  'payment_providers',
  'partner_payment_methods',
  'leads',
  'content_pieces',
  'integrations',
  'integration_event_mappings',
  'campaign_milestones',
  'audit_logs',
];

const addedTables = [
  'api_keys',
  'currencies',
  'unattributed_conversions',
  'commission_adjustments',
  'webhook_deliveries',
  'notification_deliveries',
  // 0014_web_sessions.sql: the web app's sign-in links, sessions and e-mail opt-outs.
  'auth_tokens',
  'web_sessions',
  'email_unsubscribe_tokens',
  'email_opt_outs',
  // 0016_job_runs.sql: every run of a scheduled job, for the operator console.
  'job_runs',
];

const dictionaryIndexes = [
  'idx_leads_partner_id',
  'idx_leads_vendor_id',
  'idx_campaigns_vendor_id',
  'idx_campaign_versions_campaign_id',
  'idx_campaign_partners_partner_id',
  'idx_partner_links_short_code',
  'idx_clicks_cookie_id',
  'idx_clicks_partner_link_id',
  'idx_conversion_events_partner_id',
  'idx_conversion_events_campaign_version_id',
  'idx_touches_conversion_event_id',
  'idx_touches_partner_campaign',
  'idx_payouts_partner_id',
  'idx_funnel_journeys_partner_id',
  'idx_clicks_clicked_at',
  'idx_conversion_events_occurred_at',
  'idx_touches_occurred_at',
  'idx_audit_logs_created_at',
  'idx_campaign_partners_status',
  'idx_conversion_events_status',
  'idx_payouts_status',
  'idx_cookies_expires_at',
  'idx_funnel_journeys_is_converted',
  'idx_leads_email',
  'idx_audit_logs_entity',
  'idx_touches_lead_campaign',
];

let sql: SqlExecutor;

const db = useTestDatabase(async () => {
  sql = db.sql;
});

/** Runs one statement expected to fail, and returns the SQLSTATE it failed with. */
async function sqlStateOf(statement: string, params?: SqlParams): Promise<string> {
  try {
    await sql.query(statement, params);
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
  throw new Error(`expected the statement to fail: ${statement}`);
}

const uniqueViolation = '23505';
const checkViolation = '23514';

async function oneId(statement: string, params?: SqlParams): Promise<number> {
  const { rows } = await sql.query<{ id: number }>(statement, params);
  const row = rows[0];
  if (!row) throw new Error(`no row returned by: ${statement}`);
  return row.id;
}

let sequence = 0;
/** A fresh suffix, so every fixture row has unique emails and codes within the shared database. */
function next(): string {
  sequence += 1;
  return String(sequence);
}

async function createVendor(email = `vendor${next()}@example.com`): Promise<number> {
  return oneId('INSERT INTO vendors (name, email) VALUES (:name, :email) RETURNING vendor_id AS id', {
    name: 'Acme',
    email,
  });
}

async function createPartner(): Promise<number> {
  return oneId('INSERT INTO partners (name, email) VALUES (:name, :email) RETURNING partner_id AS id', {
    name: 'Jane Partner',
    email: `partner${next()}@example.com`,
  });
}

async function createCampaign(vendorId: number): Promise<{ campaignId: number; versionId: number }> {
  const campaignId = await oneId(
    'INSERT INTO campaigns (vendor_id) VALUES (:vendorId::integer) RETURNING campaign_id AS id',
    { vendorId },
  );
  const versionId = await oneId(
    `INSERT INTO campaign_versions (campaign_id, version_number, name, destination_url, default_commission_type, default_commission_value)
     VALUES (:campaignId::integer, 1, 'Spring', 'https://acme.example/shop', 'percentage', '10.00'::numeric)
     RETURNING campaign_version_id AS id`,
    { campaignId },
  );
  await sql.query(
    'UPDATE campaigns SET current_campaign_version_id = :versionId::integer WHERE campaign_id = :campaignId::integer',
    { versionId, campaignId },
  );
  return { campaignId, versionId };
}

async function providerId(name: string): Promise<number> {
  return oneId('SELECT payment_provider_id AS id FROM payment_providers WHERE name = :name', { name });
}

async function eventTypeId(name: string): Promise<number> {
  return oneId('SELECT conversion_event_type_id AS id FROM conversion_event_types WHERE name = :name', { name });
}

describe('schema migrations', () => {
  it('create the 30 dictionary tables and the platform additions', async () => {
    const { rows } = await sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    const names = rows.map((row) => row.table_name).sort();
    expect(names).toEqual([...dictionaryTables, ...addedTables, 'schema_migrations'].sort());
  });

  it('create the 26 indexes named in the dictionary', async () => {
    const { rows } = await sql.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()',
    );
    const names = new Set(rows.map((row) => row.indexname));
    expect(dictionaryIndexes).toHaveLength(26);
    expect(dictionaryIndexes.filter((name) => !names.has(name))).toEqual([]);
  });

  it('add the platform columns with their types and nullability', async () => {
    const { rows } = await sql.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema()`,
    );
    const column = (table: string, name: string) =>
      rows.find((row) => row.table_name === table && row.column_name === name);
    expect(column('clicks', 'click_uuid')).toMatchObject({ data_type: 'uuid', is_nullable: 'NO' });
    expect(column('clicks', 'visitor_hash')).toMatchObject({ data_type: 'character varying', is_nullable: 'YES' });
    for (const name of ['vendor_id', 'partner_id', 'campaign_version_id']) {
      expect(column('clicks', name)).toMatchObject({ data_type: 'integer' });
    }
    for (const table of ['commission_rules', 'rewards', 'integrations', 'conversion_events']) {
      expect(column(table, 'vendor_id')).toMatchObject({ data_type: 'integer', is_nullable: 'NO' });
    }
    expect(column('commission_rules', 'campaign_version_id')).toMatchObject({ is_nullable: 'YES' });
    expect(column('integrations', 'campaign_id')).toMatchObject({ is_nullable: 'YES' });
    expect(column('campaign_versions', 'attribution_model')).toMatchObject({ is_nullable: 'NO' });
    expect(column('campaign_versions', 'time_decay_half_life_days')).toMatchObject({ data_type: 'integer' });
    expect(column('campaign_versions', 'approval_hold_days')).toMatchObject({ data_type: 'integer' });
    expect(column('conversion_events', 'receipt_id')).toMatchObject({ data_type: 'uuid', is_nullable: 'NO' });
    expect(column('conversion_events', 'refunded_amount')).toMatchObject({ data_type: 'numeric', is_nullable: 'NO' });
    expect(column('payouts', 'idempotency_key')).toMatchObject({ data_type: 'character varying' });
    expect(column('payouts', 'attempts')).toMatchObject({ data_type: 'integer', is_nullable: 'NO' });
  });

  it('seed the conversion event types with their display names and default commissions', async () => {
    const { rows } = await sql.query(
      `SELECT name, display_name, is_commissionable, default_commission_type, default_commission_value
       FROM conversion_event_types ORDER BY sort_order`,
    );
    expect(rows).toEqual([
      { name: 'click', display_name: 'Link Click', is_commissionable: false, default_commission_type: null, default_commission_value: null },
      { name: 'page_view', display_name: 'Page View', is_commissionable: false, default_commission_type: null, default_commission_value: null },
      // 0009: a funnel stage between page_view and the commissionable events.
      { name: 'add_to_cart', display_name: 'Add to Cart', is_commissionable: false, default_commission_type: null, default_commission_value: null },
      { name: 'signup', display_name: 'User Signup', is_commissionable: true, default_commission_type: 'flat', default_commission_value: '1.000' },
      { name: 'trial_start', display_name: 'Trial Started', is_commissionable: true, default_commission_type: 'flat', default_commission_value: '1.000' },
      { name: 'sale', display_name: 'Completed Sale', is_commissionable: true, default_commission_type: 'percentage', default_commission_value: '10.000' },
      { name: 'subscription', display_name: 'Subscription', is_commissionable: true, default_commission_type: 'percentage', default_commission_value: '10.000' },
      { name: 'upgrade', display_name: 'Plan Upgrade', is_commissionable: true, default_commission_type: 'percentage', default_commission_value: '10.000' },
      { name: 'lead_form', display_name: 'Lead Form Submitted', is_commissionable: true, default_commission_type: 'flat', default_commission_value: '1.000' },
      { name: 'refund', display_name: 'Refund', is_commissionable: false, default_commission_type: null, default_commission_value: null },
      { name: 'dispute', display_name: 'Dispute', is_commissionable: false, default_commission_type: null, default_commission_value: null },
    ]);
  });

  it('seed the payment providers without secrets', async () => {
    const { rows } = await sql.query<{ name: string; display_name: string; config: Record<string, unknown> }>(
      'SELECT name, display_name, config FROM payment_providers ORDER BY name',
    );
    expect(rows.map(({ name, display_name }) => ({ name, display_name }))).toEqual([
      { name: 'paypal', display_name: 'PayPal' },
      { name: 'stripe', display_name: 'Stripe' },
      { name: 'wire', display_name: 'Bank Wire' },
    ]);
    expect(rows.find((row) => row.name === 'wire')?.config).toEqual({ manual_processing: true, requires_review: true });
    const secretKeys = ['client_secret', 'client_id', 'api_key', 'webhook_secret'];
    for (const row of rows) {
      expect(Object.keys(row.config).filter((key) => secretKeys.includes(key))).toEqual([]);
    }
  });

  it('apply nothing on a second run', async () => {
    await expect(runMigrations({ sql })).resolves.toEqual({ applied: [] });
    const { rows } = await sql.query<{ count: number }>('SELECT count(*)::integer AS count FROM schema_migrations');
    expect(rows[0]?.count).toBeGreaterThanOrEqual(5);
  });
});

describe('uniques from the business rules', () => {
  it('reject a duplicate version_number within one campaign, allow it in another', async () => {
    const vendorId = await createVendor();
    const first = await createCampaign(vendorId);
    const second = await createCampaign(vendorId);
    const insertVersion = `INSERT INTO campaign_versions (campaign_id, version_number, name, destination_url, default_commission_type)
       VALUES (:campaignId::integer, :version::integer, 'v', 'https://acme.example', 'flat')`;
    await sql.query(insertVersion, { campaignId: first.campaignId, version: 2 });
    await sql.query(insertVersion, { campaignId: second.campaignId, version: 2 });
    expect(await sqlStateOf(insertVersion, { campaignId: first.campaignId, version: 2 })).toBe(uniqueViolation);
  });

  it('reject a second enrollment of a partner in one campaign version', async () => {
    const vendorId = await createVendor();
    const { versionId } = await createCampaign(vendorId);
    const partnerId = await createPartner();
    const enroll = 'INSERT INTO campaign_partners (campaign_version_id, partner_id) VALUES (:versionId::integer, :partnerId::integer)';
    await sql.query(enroll, { versionId, partnerId });
    expect(await sqlStateOf(enroll, { versionId, partnerId })).toBe(uniqueViolation);
  });

  it('allow one default payment method per partner, again once the default is deleted', async () => {
    const partnerId = await createPartner();
    const paypal = await providerId('paypal');
    const insertMethod = `INSERT INTO partner_payment_methods (partner_id, payment_provider_id, provider_account_id, is_default)
       VALUES (:partnerId::integer, :providerId::integer, :account, :isDefault) RETURNING partner_payment_method_id AS id`;
    const firstDefault = await oneId(insertMethod, { partnerId, providerId: paypal, account: 'a@example.com', isDefault: true });
    await oneId(insertMethod, { partnerId, providerId: paypal, account: 'b@example.com', isDefault: false });
    expect(
      await sqlStateOf(insertMethod, { partnerId, providerId: paypal, account: 'c@example.com', isDefault: true }),
    ).toBe(uniqueViolation);

    await sql.query(
      'UPDATE partner_payment_methods SET is_deleted = TRUE, deleted_at = NOW() WHERE partner_payment_method_id = :id::integer',
      { id: firstDefault },
    );
    await oneId(insertMethod, { partnerId, providerId: paypal, account: 'c@example.com', isDefault: true });
  });

  it('reject the same provider account twice for one partner', async () => {
    const partnerId = await createPartner();
    const stripe = await providerId('stripe');
    const insertMethod = `INSERT INTO partner_payment_methods (partner_id, payment_provider_id, provider_account_id)
       VALUES (:partnerId::integer, :providerId::integer, 'acct_123')`;
    await sql.query(insertMethod, { partnerId, providerId: stripe });
    expect(await sqlStateOf(insertMethod, { partnerId, providerId: stripe })).toBe(uniqueViolation);
  });

  it('keep vendor user emails unique within a vendor, not across vendors, until the user is removed', async () => {
    const vendorA = await createVendor();
    const vendorB = await createVendor();
    const insertUser = `INSERT INTO vendor_users (vendor_id, email, name) VALUES (:vendorId::integer, :email, 'Ops')
       RETURNING vendor_user_id AS id`;
    const first = await oneId(insertUser, { vendorId: vendorA, email: 'ops@example.com' });
    await oneId(insertUser, { vendorId: vendorB, email: 'ops@example.com' });
    expect(await sqlStateOf(insertUser, { vendorId: vendorA, email: 'OPS@example.com' })).toBe(uniqueViolation);

    await sql.query('UPDATE vendor_users SET is_deleted = TRUE WHERE vendor_user_id = :id::integer', { id: first });
    await oneId(insertUser, { vendorId: vendorA, email: 'ops@example.com' });
  });

  it('reject a vendor whose email differs only in case from an active vendor', async () => {
    const email = `Owner${next()}@Example.com`;
    await createVendor(email);
    expect(
      await sqlStateOf('INSERT INTO vendors (name, email) VALUES (:name, :email)', { name: 'Copy', email: email.toLowerCase() }),
    ).toBe(uniqueViolation);
  });

  it('allow one generic and one per-event-type override per partner and version', async () => {
    const vendorId = await createVendor();
    const { versionId } = await createCampaign(vendorId);
    const partnerId = await createPartner();
    const sale = await eventTypeId('sale');
    const insertOverride = `INSERT INTO partner_campaign_overrides (partner_id, campaign_version_id, conversion_event_type_id, commission_type, commission_value)
       VALUES (:partnerId::integer, :versionId::integer, :eventTypeId::integer, 'percentage', '15.00'::numeric)`;
    await sql.query(insertOverride, { partnerId, versionId, eventTypeId: null });
    await sql.query(insertOverride, { partnerId, versionId, eventTypeId: sale });
    // NULL (generic) is one scope: a second generic override is a duplicate.
    expect(await sqlStateOf(insertOverride, { partnerId, versionId, eventTypeId: null })).toBe(uniqueViolation);
    expect(await sqlStateOf(insertOverride, { partnerId, versionId, eventTypeId: sale })).toBe(uniqueViolation);

    await sql.query(
      `UPDATE partner_campaign_overrides SET is_deleted = TRUE
       WHERE partner_id = :partnerId::integer AND conversion_event_type_id IS NULL`,
      { partnerId },
    );
    await sql.query(insertOverride, { partnerId, versionId, eventTypeId: null });
  });
});

describe('conversions, clicks and payouts', () => {
  async function createLink(): Promise<{ vendorId: number; partnerId: number; versionId: number; linkId: number }> {
    const vendorId = await createVendor();
    const { versionId } = await createCampaign(vendorId);
    const partnerId = await createPartner();
    const enrollmentId = await oneId(
      `INSERT INTO campaign_partners (campaign_version_id, partner_id, status)
       VALUES (:versionId::integer, :partnerId::integer, 'approved') RETURNING campaign_partner_id AS id`,
      { versionId, partnerId },
    );
    const linkId = await oneId(
      `INSERT INTO partner_links (campaign_partner_id, short_code, full_url)
       VALUES (:enrollmentId::integer, :code, 'https://acme.example/shop') RETURNING partner_link_id AS id`,
      { enrollmentId, code: `code${next()}` },
    );
    return { vendorId, partnerId, versionId, linkId };
  }

  const insertConversion = `INSERT INTO conversion_events
      (vendor_id, source, transaction_id, conversion_event_type_id, partner_id, campaign_version_id, attribution_type, event_value, commission_amount)
    VALUES (:vendorId::integer, :source, :transactionId, :eventTypeId::integer, :partnerId::integer, :versionId::integer,
      'last_click', '100.00'::numeric, '10.00'::numeric)
    RETURNING conversion_event_id AS id`;

  it('accept one conversion per vendor, source, transaction and event type', async () => {
    const { vendorId, partnerId, versionId } = await createLink();
    const sale = await eventTypeId('sale');
    const params = { vendorId, source: 'stripe', transactionId: 'pi_1', eventTypeId: sale, partnerId, versionId };
    await oneId(insertConversion, params);
    expect(await sqlStateOf(insertConversion, params)).toBe(uniqueViolation);
    // The same transaction id from another source or as another event type is another conversion.
    await oneId(insertConversion, { ...params, source: 'shopify' });
    await oneId(insertConversion, { ...params, eventTypeId: await eventTypeId('subscription') });
    const { rows } = await sql.query<{ receipt_id: string; refunded_amount: string; status: string }>(
      'SELECT receipt_id, refunded_amount, status FROM conversion_events WHERE vendor_id = :vendorId::integer',
      { vendorId },
    );
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((row) => row.receipt_id)).size).toBe(3);
    expect(rows.map((row) => [row.refunded_amount, row.status])).toEqual([
      ['0.000', 'pending'],
      ['0.000', 'pending'],
      ['0.000', 'pending'],
    ]);
  });

  it('reject a status outside the dictionary list and an unknown source', async () => {
    const { vendorId, partnerId, versionId } = await createLink();
    const sale = await eventTypeId('sale');
    const id = await oneId(insertConversion, {
      vendorId,
      source: 'api',
      transactionId: 'ord_1',
      eventTypeId: sale,
      partnerId,
      versionId,
    });
    expect(
      await sqlStateOf("UPDATE conversion_events SET status = 'cancelled' WHERE conversion_event_id = :id::bigint", { id }),
    ).toBe(checkViolation);
    expect(
      await sqlStateOf(insertConversion, { vendorId, source: 'paypal', transactionId: 'x', eventTypeId: sale, partnerId, versionId }),
    ).toBe(checkViolation);
  });

  it('ingest a click once per click_uuid and keep the cookie journey', async () => {
    const { vendorId, partnerId, versionId, linkId } = await createLink();
    const cookie = await sql.query<{ cookie_id: string }>(
      "INSERT INTO cookies (expires_at) VALUES (NOW() + INTERVAL '30 days') RETURNING cookie_id",
    );
    const cookieId = cookie.rows[0]?.cookie_id;
    const insertClick = `INSERT INTO clicks (click_uuid, partner_link_id, cookie_id, vendor_id, partner_id, campaign_version_id)
       VALUES (:clickUuid::uuid, :linkId::integer, :cookieId::uuid, :vendorId::integer, :partnerId::integer, :versionId::integer)
       ON CONFLICT (click_uuid) DO NOTHING`;
    const params = { clickUuid: '0190a5c4-2f3e-7000-8000-000000000001', linkId, cookieId, vendorId, partnerId, versionId };
    expect((await sql.query(insertClick, params)).rowCount).toBe(1);
    expect((await sql.query(insertClick, params)).rowCount).toBe(0);
    // The cookie -> click reference, added after both tables existed.
    const update = await sql.query(
      `UPDATE cookies SET first_click_id = c.click_id, last_click_id = c.click_id
       FROM clicks c WHERE c.click_uuid = :clickUuid::uuid AND cookies.cookie_id = c.cookie_id`,
      { clickUuid: params.clickUuid },
    );
    expect(update.rowCount).toBe(1);
  });

  it('keep one row per payout and conversion, refuse negative payouts, net clawbacks once per share', async () => {
    const { vendorId, partnerId, versionId } = await createLink();
    const sale = await eventTypeId('sale');
    const conversionId = await oneId(insertConversion, {
      vendorId,
      source: 'api',
      transactionId: 'ord_payout',
      eventTypeId: sale,
      partnerId,
      versionId,
    });
    const paypal = await providerId('paypal');
    const methodId = await oneId(
      `INSERT INTO partner_payment_methods (partner_id, payment_provider_id, provider_account_id, is_default, is_verified)
       VALUES (:partnerId::integer, :paypal::integer, 'p@example.com', TRUE, TRUE) RETURNING partner_payment_method_id AS id`,
      { partnerId, paypal },
    );
    const insertPayout = `INSERT INTO payouts (partner_id, partner_payment_method_id, amount, payment_provider_id, start_date, end_date, idempotency_key)
       VALUES (:partnerId::integer, :methodId::integer, :amount::numeric, :paypal::integer, :start::timestamp, :end::timestamp, :key)
       RETURNING payout_id AS id`;
    const january = { start: '2024-01-01', end: '2024-02-01' };
    const first = await oneId(insertPayout, { partnerId, methodId, amount: '10.00', paypal, key: `payout-${next()}`, ...january });
    // One live payout per partner and period (0006): the second payout is for the next period.
    expect(await sqlStateOf(insertPayout, { partnerId, methodId, amount: '0.00', paypal, key: `payout-${next()}`, ...january })).toBe(uniqueViolation);
    const second = await oneId(insertPayout, { partnerId, methodId, amount: '0.00', paypal, key: `payout-${next()}`, start: '2024-02-01', end: '2024-03-01' });
    const include = `INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount)
       VALUES (:payoutId::integer, :conversionId::bigint, :amount::numeric)`;
    await sql.query(include, { payoutId: first, conversionId, amount: '10.00' });
    expect(await sqlStateOf(include, { payoutId: first, conversionId, amount: '10.00' })).toBe(uniqueViolation);
    // A later payout may net a clawback against the same conversion: a negative event amount.
    await sql.query(include, { payoutId: second, conversionId, amount: '-2.50' });

    expect(
      await sqlStateOf(insertPayout, { partnerId, methodId, amount: '-1.00', paypal, key: `payout-${next()}`, start: '2024-03-01', end: '2024-04-01' }),
    ).toBe(checkViolation);

    const { rows } = await sql.query<{ attempts: number; status: string; currency: string }>(
      'SELECT attempts, status, currency FROM payouts WHERE payout_id = :id::integer',
      { id: first },
    );
    expect(rows[0]).toEqual({ attempts: 0, status: 'pending', currency: 'USD' });

    // A clawback after payout: negative, once per provider event and partner share. A second
    // partner credited on the same conversion gets its own adjustment for the same refund.
    const adjust = `INSERT INTO commission_adjustments (conversion_event_id, partner_id, amount, reason, source_event_id)
       VALUES (:conversionId::bigint, :partnerId::integer, '-2.50'::numeric, 'refund after payout', 're_1')`;
    await sql.query(adjust, { conversionId, partnerId });
    expect(await sqlStateOf(adjust, { conversionId, partnerId })).toBe(uniqueViolation);
    await sql.query(adjust, { conversionId, partnerId: await createPartner() });
  });

  it('let retention delete clicks, cookies and leads while their conversions stay', async () => {
    const { vendorId, partnerId, versionId, linkId } = await createLink();
    const cookie = await sql.query<{ cookie_id: string }>(
      "INSERT INTO cookies (expires_at) VALUES ('2023-01-31') RETURNING cookie_id",
    );
    const cookieId = cookie.rows[0]?.cookie_id;
    const clickId = await oneId(
      `INSERT INTO clicks (click_uuid, partner_link_id, cookie_id, clicked_at)
       VALUES (gen_random_uuid(), :linkId::integer, :cookieId::uuid, '2023-01-01') RETURNING click_id AS id`,
      { linkId, cookieId },
    );
    await sql.query('UPDATE cookies SET first_click_id = :clickId::bigint, last_click_id = :clickId::bigint WHERE cookie_id = :cookieId::uuid', {
      clickId,
      cookieId,
    });
    const leadId = await oneId(
      "INSERT INTO leads (external_lead_id, vendor_id, email) VALUES (:external, :vendorId::integer, 'lead@example.com') RETURNING lead_id AS id",
      { external: `lead-${next()}`, vendorId },
    );
    const conversionId = await oneId(
      `INSERT INTO conversion_events (vendor_id, conversion_event_type_id, partner_id, campaign_version_id, attribution_type,
         click_id, cookie_id, lead_id, transaction_id)
       VALUES (:vendorId::integer, :sale::integer, :partnerId::integer, :versionId::integer, 'last_click',
         :clickId::bigint, :cookieId::uuid, :leadId::bigint, :transactionId)
       RETURNING conversion_event_id AS id`,
      { vendorId, sale: await eventTypeId('sale'), partnerId, versionId, clickId, cookieId, leadId, transactionId: `ord-${next()}` },
    );
    await sql.query(
      `INSERT INTO touches (conversion_event_id, click_id, cookie_id, lead_id, partner_id, campaign_version_id, touch_type, touch_value, attribution_type)
       VALUES (:conversionId::bigint, :clickId::bigint, :cookieId::uuid, :leadId::bigint, :partnerId::integer, :versionId::integer, 'only', '-1.50'::numeric, 'last_click')`,
      { conversionId, clickId, cookieId, leadId, partnerId, versionId },
    );

    expect((await sql.query('DELETE FROM clicks WHERE click_id = :clickId::bigint', { clickId })).rowCount).toBe(1);
    expect((await sql.query('DELETE FROM cookies WHERE cookie_id = :cookieId::uuid', { cookieId })).rowCount).toBe(1);
    expect((await sql.query('DELETE FROM leads WHERE lead_id = :leadId::bigint', { leadId })).rowCount).toBe(1);

    const conversion = await sql.query(
      'SELECT click_id, cookie_id, lead_id FROM conversion_events WHERE conversion_event_id = :conversionId::bigint',
      { conversionId },
    );
    expect(conversion.rows).toEqual([{ click_id: null, cookie_id: null, lead_id: null }]);
    const touch = await sql.query(
      'SELECT click_id, cookie_id, lead_id, touch_value FROM touches WHERE conversion_event_id = :conversionId::bigint',
      { conversionId },
    );
    expect(touch.rows).toEqual([{ click_id: null, cookie_id: null, lead_id: null, touch_value: '-1.500' }]);
  });

  it('deduplicate inbound webhooks on provider and event id', async () => {
    const receive = "INSERT INTO webhook_deliveries (provider, provider_event_id) VALUES ('stripe', :eventId)";
    await sql.query(receive, { eventId: 'evt_1' });
    expect(await sqlStateOf(receive, { eventId: 'evt_1' })).toBe(uniqueViolation);
    await sql.query("INSERT INTO webhook_deliveries (provider, provider_event_id) VALUES ('shopify', 'evt_1')");
  });
});

describe('api_keys', () => {
  const hash = (digit: string) => digit.repeat(64);

  it('require exactly one owner, the one owner_type names', async () => {
    const partnerId = await createPartner();
    const vendorId = await createVendor();
    const userId = await oneId(
      "INSERT INTO vendor_users (vendor_id, email, name, role) VALUES (:vendorId::integer, 'owner@example.com', 'Owner', 'owner') RETURNING vendor_user_id AS id",
      { vendorId },
    );
    const insertKey = `INSERT INTO api_keys (key_prefix, key_hash, owner_type, vendor_user_id, partner_id, expires_at)
       VALUES ('vk_live_ab12', :hash, :ownerType, :userId::integer, :partnerId::integer, NOW() + INTERVAL '90 days')
       RETURNING api_key_id AS id`;
    const partnerKey = await oneId(insertKey, { hash: hash('a'), ownerType: 'partner', userId: null, partnerId });
    const vendorKey = await oneId(insertKey, { hash: hash('b'), ownerType: 'vendor_user', userId, partnerId: null });
    expect(partnerKey).not.toBe(vendorKey);
    expect(await sqlStateOf(insertKey, { hash: hash('c'), ownerType: 'partner', userId, partnerId })).toBe(checkViolation);
    expect(await sqlStateOf(insertKey, { hash: hash('d'), ownerType: 'vendor_user', userId: null, partnerId })).toBe(
      checkViolation,
    );
    expect(await sqlStateOf(insertKey, { hash: hash('a'), ownerType: 'partner', userId: null, partnerId })).toBe(
      uniqueViolation,
    );
  });
});

describe('audit_logs is insert-only', () => {
  let auditLogId: number;

  beforeAll(async () => {
    auditLogId = await oneId(
      `INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, actor_id, ip_address)
       VALUES ('payouts', 456, 'approve', 'vendor_user', 7, '203.0.113.0'::inet) RETURNING audit_log_id AS id`,
    );
  });

  it('accepts inserts', async () => {
    const { rows } = await sql.query('SELECT action, ip_address FROM audit_logs WHERE audit_log_id = :id::bigint', {
      id: auditLogId,
    });
    expect(rows).toEqual([{ action: 'approve', ip_address: '203.0.113.0' }]);
  });

  it('refuses UPDATE and DELETE', async () => {
    expect(
      await sqlStateOf("UPDATE audit_logs SET reason = 'rewritten' WHERE audit_log_id = :id::bigint", { id: auditLogId }),
    ).toBe('42501');
    expect(await sqlStateOf('DELETE FROM audit_logs WHERE audit_log_id = :id::bigint', { id: auditLogId })).toBe('42501');
  });

  it('lets a maintenance transaction pseudonymise and purge, and the switch ends with it', async () => {
    await sql.transaction(async (tx) => {
      await tx.query("SET LOCAL app.audit_maintenance = 'on'");
      const updated = await tx.query('UPDATE audit_logs SET ip_address = NULL WHERE audit_log_id = :id::bigint', {
        id: auditLogId,
      });
      expect(updated.rowCount).toBe(1);
    });
    const { rows } = await sql.query('SELECT ip_address FROM audit_logs WHERE audit_log_id = :id::bigint', {
      id: auditLogId,
    });
    expect(rows).toEqual([{ ip_address: null }]);

    // SET LOCAL did not outlive its transaction.
    expect(await sqlStateOf('DELETE FROM audit_logs WHERE audit_log_id = :id::bigint', { id: auditLogId })).toBe('42501');

    // The erasure switch does not delete (0012): only the retention purge does, for rows older than its cutoff.
    await expect(
      sql.transaction(async (tx) => {
        await tx.query("SELECT set_config('app.audit_maintenance', 'on', true)");
        await tx.query('DELETE FROM audit_logs WHERE audit_log_id = :id::bigint', { id: auditLogId });
      }),
    ).rejects.toThrow(/insert-only/);
    await sql.transaction(async (tx) => {
      await tx.query("SELECT set_config('app.audit_purge_before', (SELECT (created_at + interval '1 second')::text FROM audit_logs WHERE audit_log_id = :id::bigint), true)", { id: auditLogId });
      const deleted = await tx.query('DELETE FROM audit_logs WHERE audit_log_id = :id::bigint', { id: auditLogId });
      expect(deleted.rowCount).toBe(1);
    });
  });
});

describe('migration files', () => {
  const names = readdirSync(defaultMigrationsDirectory)
    .filter((name) => name.endsWith('.sql'))
    .sort();

  it('are numbered 0001, 0002, ... without gaps or duplicates', () => {
    expect(names.length).toBeGreaterThanOrEqual(5);
    expect(names.map((name) => name.slice(0, 5))).toEqual(
      names.map((_, index) => `${String(index + 1).padStart(4, '0')}_`),
    );
  });

  // The Data API runs one statement at a time inside the runner's transaction: a file must not
  // manage transactions, use psql meta-commands, or run statements that refuse a transaction.
  it.each(names)('%s holds only statements the runner can run in one transaction', (name) => {
    const text = readFileSync(path.join(defaultMigrationsDirectory, name), 'utf8');
    expect(text.split('\n').filter((line) => line.trimStart().startsWith('\\'))).toEqual([]);
    const statements = splitSqlStatements(text).map((statement) =>
      statement.replace(/^(\s*--[^\n]*\n)+/, '').trim().toUpperCase(),
    );
    expect(statements.length).toBeGreaterThan(0);
    const refused = statements.filter((statement) =>
      /^(BEGIN|START TRANSACTION|COMMIT|END|ROLLBACK|SAVEPOINT|VACUUM|CREATE DATABASE|DROP DATABASE)\b|\bCONCURRENTLY\b/.test(statement),
    );
    expect(refused).toEqual([]);
  });
});

