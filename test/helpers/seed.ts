/**
 * Seeds Aurora directly in SQL for tests: vendors, partners, campaigns with a version (terms,
 * tiers), enrollments, links, overrides, rules, rewards and milestones. Every call makes unique
 * names and emails, so suites can share one database. Links come back in the hot store's
 * `LinkItem` shape, ready for click fixtures and the link store.
 */
import type { LinkItem } from '../../functions/ports/link-store.js';
import type { SqlExecutor } from '../../functions/ports/sql-executor.js';

let counter = 0;
/** A tag unique in this process (and, with the time, across test files sharing a server). */
export function uniqueTag(): string {
  counter += 1;
  return `${Date.now().toString(36)}${process.pid.toString(36)}${counter}`;
}

async function one<T extends Record<string, unknown>>(sql: SqlExecutor, text: string, params: Record<string, unknown>): Promise<T> {
  const result = await sql.query<T>(text, params as never);
  const row = result.rows[0];
  if (!row) throw new Error(`seed statement returned no row: ${text.slice(0, 60)}`);
  return row;
}

export interface SeedVendorOptions {
  name?: string;
  email?: string;
  webhookUrl?: string | null;
  webhookSecret?: string | null;
  status?: 'active' | 'suspended' | 'inactive';
}

export async function seedVendor(sql: SqlExecutor, options: SeedVendorOptions = {}): Promise<{ vendorId: number; email: string }> {
  const tag = uniqueTag();
  const email = options.email ?? `vendor-${tag}@example.com`;
  const row = await one<{ vendor_id: number }>(
    sql,
    `INSERT INTO vendors (name, email, webhook_url, webhook_secret, status)
     VALUES (:name, :email, :url, :secret, :status::text) RETURNING vendor_id`,
    {
      name: options.name ?? `Vendor ${tag}`,
      email,
      url: options.webhookUrl ?? null,
      secret: options.webhookSecret ?? null,
      status: options.status ?? 'active',
    },
  );
  return { vendorId: row.vendor_id, email };
}

export interface SeedPartnerOptions {
  name?: string;
  email?: string;
  tier?: 'standard' | 'bronze' | 'silver' | 'gold' | 'platinum';
  status?: 'pending' | 'active' | 'suspended' | 'rejected';
}

export async function seedPartner(sql: SqlExecutor, options: SeedPartnerOptions = {}): Promise<{ partnerId: number; email: string }> {
  const tag = uniqueTag();
  const email = options.email ?? `partner-${tag}@example.com`;
  const row = await one<{ partner_id: number }>(
    sql,
    `INSERT INTO partners (name, email, tier, status) VALUES (:name, :email, :tier, :status::text) RETURNING partner_id`,
    { name: options.name ?? `Partner ${tag}`, email, tier: options.tier ?? 'standard', status: options.status ?? 'active' },
  );
  return { partnerId: row.partner_id, email };
}

export interface SeedTier {
  label: string;
  min: string;
  max: string;
  type: 'percentage' | 'flat';
  value: string;
  rewardId?: number | null;
}

export interface SeedVersionOptions {
  name?: string;
  destinationUrl?: string;
  defaultCommissionType?: 'percentage' | 'flat' | 'tiered';
  /** null for none (e.g. tiered). @default '10.00' */
  defaultCommissionValue?: string | null;
  cookieDurationDays?: number;
  attributionModel?: 'first_click' | 'last_click' | 'linear' | 'time_decay' | 'position_based';
  halfLifeDays?: number;
  approvalHoldDays?: number;
  tiers?: SeedTier[];
  /** The campaign's ISO 4217 currency. @default 'USD' */
  currency?: string;
}

export interface SeededCampaign {
  vendorId: number;
  campaignId: number;
  campaignVersionId: number;
  cookieDurationDays: number;
  destinationUrl: string;
}

/** A campaign with version 1 made current. */
export async function seedCampaignVersion(
  sql: SqlExecutor,
  vendorId: number,
  options: SeedVersionOptions & { status?: 'active' | 'paused' | 'archived' } = {},
): Promise<SeededCampaign> {
  const destinationUrl = options.destinationUrl ?? 'https://shop.example.com/landing';
  const cookieDurationDays = options.cookieDurationDays ?? 30;
  const campaign = await one<{ campaign_id: number }>(
    sql,
    `INSERT INTO campaigns (vendor_id, status, currency) VALUES (:vendor::integer, :status::text, :currency) RETURNING campaign_id`,
    { vendor: vendorId, status: options.status ?? 'active', currency: options.currency ?? 'USD' },
  );
  const version = await one<{ campaign_version_id: number }>(
    sql,
    `INSERT INTO campaign_versions (campaign_id, version_number, name, destination_url, default_commission_type,
                                    default_commission_value, cookie_duration_days, attribution_model,
                                    time_decay_half_life_days, approval_hold_days)
     VALUES (:campaign::integer, 1, :name, :url, :type, :value::numeric, :days::integer, :model, :halfLife::integer, :hold::integer)
     RETURNING campaign_version_id`,
    {
      campaign: campaign.campaign_id,
      name: options.name ?? `Campaign ${uniqueTag()}`,
      url: destinationUrl,
      type: options.defaultCommissionType ?? 'percentage',
      value: options.defaultCommissionValue === undefined ? '10.00' : options.defaultCommissionValue,
      days: cookieDurationDays,
      model: options.attributionModel ?? 'last_click',
      halfLife: options.halfLifeDays ?? 7,
      hold: options.approvalHoldDays ?? 30,
    },
  );
  await sql.query(`UPDATE campaigns SET current_campaign_version_id = :version::integer WHERE campaign_id = :campaign::integer`, {
    version: version.campaign_version_id,
    campaign: campaign.campaign_id,
  });
  for (const tier of options.tiers ?? []) {
    await sql.query(
      `INSERT INTO campaign_tiers (campaign_version_id, reward_id, label, min_amount, max_amount, reward_type, reward_value)
       VALUES (:version::integer, :reward::integer, :label, :min::numeric, :max::numeric, :type, :value::numeric)`,
      { version: version.campaign_version_id, reward: tier.rewardId ?? null, label: tier.label, min: tier.min, max: tier.max, type: tier.type, value: tier.value },
    );
  }
  return { vendorId, campaignId: campaign.campaign_id, campaignVersionId: version.campaign_version_id, cookieDurationDays, destinationUrl };
}

export interface SeededEnrollment {
  partnerId: number;
  email: string;
  campaignPartnerId: number;
  links: LinkItem[];
}

/** Enrolls a partner (approved by default) and gives it `links` short links. */
export async function enrollPartner(
  sql: SqlExecutor,
  campaign: SeededCampaign,
  partner: { partnerId: number; email: string },
  options: { status?: 'pending' | 'approved' | 'rejected' | 'removed'; links?: number } = {},
): Promise<SeededEnrollment> {
  const status = options.status ?? 'approved';
  const enrollment = await one<{ campaign_partner_id: number }>(
    sql,
    `INSERT INTO campaign_partners (campaign_version_id, partner_id, status, approved_at)
     VALUES (:version::integer, :partner::integer, :status::text, CASE WHEN :status::text = 'approved' THEN NOW() END)
     RETURNING campaign_partner_id`,
    { version: campaign.campaignVersionId, partner: partner.partnerId, status },
  );
  const links: LinkItem[] = [];
  for (let i = 0; i < (options.links ?? 1); i += 1) {
    const shortCode = `s${uniqueTag()}`;
    const utm = { utm_source: `partner${partner.partnerId}`, utm_medium: 'referral' };
    const link = await one<{ partner_link_id: number }>(
      sql,
      `INSERT INTO partner_links (campaign_partner_id, short_code, full_url, utm_params, custom_params)
       VALUES (:cp::integer, :code, :url, :utm::jsonb, '{}'::jsonb) RETURNING partner_link_id`,
      { cp: enrollment.campaign_partner_id, code: shortCode, url: campaign.destinationUrl, utm: JSON.stringify(utm) },
    );
    links.push({
      short_code: shortCode,
      partner_link_id: link.partner_link_id,
      campaign_partner_id: enrollment.campaign_partner_id,
      partner_id: partner.partnerId,
      vendor_id: campaign.vendorId,
      campaign_id: campaign.campaignId,
      campaign_version_id: campaign.campaignVersionId,
      destination_url: campaign.destinationUrl,
      utm_params: utm,
      custom_params: {},
      cookie_duration_days: campaign.cookieDurationDays,
      status: status === 'approved' ? 'active' : 'inactive',
      updated_at: new Date(0).toISOString(),
    });
  }
  return { ...partner, campaignPartnerId: enrollment.campaign_partner_id, links };
}

export interface SeededProgram extends SeededCampaign {
  partners: SeededEnrollment[];
}

/**
 * The common case in one call: a vendor, an active campaign version and `partners` approved,
 * active partners (numbers or per-partner options), each with one link.
 */
export async function seedProgram(
  sql: SqlExecutor,
  options: { vendor?: SeedVendorOptions; version?: SeedVersionOptions; partners?: number | SeedPartnerOptions[]; linksPerPartner?: number } = {},
): Promise<SeededProgram> {
  const { vendorId } = await seedVendor(sql, options.vendor);
  const campaign = await seedCampaignVersion(sql, vendorId, options.version);
  const specs = typeof options.partners === 'number' || options.partners === undefined
    ? Array.from({ length: (options.partners as number | undefined) ?? 2 }, () => ({}))
    : options.partners;
  const partners: SeededEnrollment[] = [];
  for (const spec of specs) {
    partners.push(await enrollPartner(sql, campaign, await seedPartner(sql, spec), { links: options.linksPerPartner ?? 1 }));
  }
  return { ...campaign, partners };
}

export async function seedOverride(
  sql: SqlExecutor,
  input: {
    partnerId: number;
    campaignVersionId: number;
    eventType?: string | null;
    type: 'percentage' | 'flat';
    value: string;
    validFrom?: string | null;
    validUntil?: string | null;
  },
): Promise<number> {
  const row = await one<{ partner_campaign_override_id: number }>(
    sql,
    `INSERT INTO partner_campaign_overrides (partner_id, campaign_version_id, conversion_event_type_id, commission_type,
                                             commission_value, valid_from, valid_until)
     VALUES (:partner::integer, :version::integer,
             (SELECT conversion_event_type_id FROM conversion_event_types WHERE name = :eventType),
             :type, :value::numeric, COALESCE(:from::timestamptz, '2000-01-01T00:00:00Z'::timestamptz), :until::timestamptz)
     RETURNING partner_campaign_override_id`,
    {
      partner: input.partnerId,
      version: input.campaignVersionId,
      eventType: input.eventType ?? null,
      type: input.type,
      value: input.value,
      from: input.validFrom ?? null,
      until: input.validUntil ?? null,
    },
  );
  return row.partner_campaign_override_id;
}

export async function seedRule(
  sql: SqlExecutor,
  input: {
    vendorId: number;
    campaignVersionId?: number | null;
    name?: string;
    conditions: Record<string, unknown>;
    actions: Record<string, unknown>;
    active?: boolean;
    validFrom?: string | null;
    validUntil?: string | null;
  },
): Promise<number> {
  const row = await one<{ commission_rule_id: number }>(
    sql,
    `INSERT INTO commission_rules (vendor_id, campaign_version_id, name, active, conditions, actions, valid_from, valid_until)
     VALUES (:vendor::integer, :version::integer, :name, :active::boolean, :conditions::jsonb, :actions::jsonb,
             COALESCE(:from::timestamptz, '2000-01-01T00:00:00Z'::timestamptz), :until::timestamptz)
     RETURNING commission_rule_id`,
    {
      vendor: input.vendorId,
      version: input.campaignVersionId ?? null,
      name: input.name ?? `Rule ${uniqueTag()}`,
      active: input.active ?? true,
      conditions: JSON.stringify(input.conditions),
      actions: JSON.stringify(input.actions),
      from: input.validFrom ?? null,
      until: input.validUntil ?? null,
    },
  );
  return row.commission_rule_id;
}

export async function seedReward(
  sql: SqlExecutor,
  input: { vendorId: number; type: 'flat' | 'percentage'; value: string; name?: string },
): Promise<number> {
  const row = await one<{ reward_id: number }>(
    sql,
    `INSERT INTO rewards (vendor_id, name, reward_type, reward_value) VALUES (:vendor::integer, :name, :type, :value::numeric)
     RETURNING reward_id`,
    { vendor: input.vendorId, name: input.name ?? `Reward ${uniqueTag()}`, type: input.type, value: input.value },
  );
  return row.reward_id;
}

export async function seedMilestone(
  sql: SqlExecutor,
  input: { campaignVersionId: number; rewardId: number | null; eventType: string; targetCount: number; name?: string },
): Promise<number> {
  const row = await one<{ campaign_milestone_id: number }>(
    sql,
    `INSERT INTO campaign_milestones (campaign_version_id, reward_id, name, event_type, target_count)
     VALUES (:version::integer, :reward::integer, :name, :eventType, :target::integer) RETURNING campaign_milestone_id`,
    {
      version: input.campaignVersionId,
      reward: input.rewardId,
      name: input.name ?? `Milestone ${uniqueTag()}`,
      eventType: input.eventType,
      target: input.targetCount,
    },
  );
  return row.campaign_milestone_id;
}
