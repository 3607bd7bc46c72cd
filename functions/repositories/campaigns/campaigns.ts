/**
 * `campaigns`, `campaign_versions` and `campaign_tiers`. A campaign is reached only through its
 * vendor: every read takes the caller's vendor_id, so another vendor's campaign is "not found".
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { CampaignTerms } from '../../domain/campaigns/campaign-terms.js';
import type { TierInput } from '../../domain/campaigns/validate-tiers.js';

export interface CampaignRow {
  campaign_id: number;
  vendor_id: number;
  status: string;
  /** ISO 4217: the currency of every amount of the campaign (fixed at creation). */
  currency: string;
  current_campaign_version_id: number;
  created_at: string;
  updated_at: string;
  campaign_version_id: number;
  version_number: number;
  name: string;
  description: string | null;
  destination_url: string;
  default_commission_type: CampaignTerms['default_commission_type'];
  default_commission_value: string | null;
  cookie_duration_days: number;
  approval_required: boolean;
  is_public: boolean;
  max_partners: number | null;
  terms_url: string | null;
  promotional_guidelines: string | null;
  attribution_model: CampaignTerms['attribution_model'];
  time_decay_half_life_days: number;
  approval_hold_days: number;
  version_created_at: string;
}

export interface TierRow extends TierInput {
  campaign_tier_id: number;
  campaign_version_id: number;
}

const campaignColumns = `c.campaign_id, c.vendor_id, c.status, c.currency, c.current_campaign_version_id, c.created_at, c.updated_at,
  cv.campaign_version_id, cv.version_number, cv.name, cv.description, cv.destination_url, cv.default_commission_type,
  cv.default_commission_value, cv.cookie_duration_days, cv.approval_required, cv.is_public, cv.max_partners, cv.terms_url,
  cv.promotional_guidelines, cv.attribution_model, cv.time_decay_half_life_days, cv.approval_hold_days,
  cv.created_at AS version_created_at`;

export async function insertCampaign(sql: SqlExecutor, input: { vendor_id: number; currency: string; now: Date }): Promise<number> {
  const { rows } = await sql.query<{ campaign_id: number }>(
    `INSERT INTO campaigns (vendor_id, status, currency, created_at, updated_at)
     VALUES (:vendor_id::integer, 'active', :currency, :now::timestamptz, :now::timestamptz) RETURNING campaign_id`,
    input,
  );
  return rows[0]!.campaign_id;
}

/** Inserts version `version_number` with its tiers and points the campaign at it. */
export async function insertCampaignVersion(
  sql: SqlExecutor,
  input: { campaign_id: number; version_number: number; terms: CampaignTerms; now: Date },
): Promise<number> {
  const t = input.terms;
  const { rows } = await sql.query<{ campaign_version_id: number }>(
    `INSERT INTO campaign_versions (campaign_id, version_number, name, description, destination_url, default_commission_type,
       default_commission_value, cookie_duration_days, approval_required, is_public, max_partners, terms_url,
       promotional_guidelines, attribution_model, time_decay_half_life_days, approval_hold_days, created_at, updated_at)
     VALUES (:campaign_id::integer, :version_number::integer, :name, :description, :destination_url, :default_commission_type,
       :default_commission_value::numeric, :cookie_duration_days::integer, :approval_required::boolean, :is_public::boolean,
       :max_partners::integer, :terms_url, :promotional_guidelines, :attribution_model, :time_decay_half_life_days::integer,
       :approval_hold_days::integer, :now::timestamptz, :now::timestamptz)
     RETURNING campaign_version_id`,
    {
      campaign_id: input.campaign_id,
      version_number: input.version_number,
      name: t.name,
      description: t.description,
      destination_url: t.destination_url,
      default_commission_type: t.default_commission_type,
      default_commission_value: t.default_commission_value,
      cookie_duration_days: t.cookie_duration_days,
      approval_required: t.approval_required,
      is_public: t.is_public,
      max_partners: t.max_partners,
      terms_url: t.terms_url,
      promotional_guidelines: t.promotional_guidelines,
      attribution_model: t.attribution_model,
      time_decay_half_life_days: t.time_decay_half_life_days,
      approval_hold_days: t.approval_hold_days,
      now: input.now,
    },
  );
  const versionId = rows[0]!.campaign_version_id;
  for (const tier of t.tiers) {
    await sql.query(
      `INSERT INTO campaign_tiers (campaign_version_id, reward_id, label, min_amount, max_amount, reward_type, reward_value, created_at)
       VALUES (:version_id::integer, :reward_id::integer, :label, :min_amount::numeric, :max_amount::numeric, :reward_type,
               :reward_value::numeric, :now::timestamptz)`,
      { version_id: versionId, reward_id: tier.reward_id ?? null, ...tier, now: input.now },
    );
  }
  await sql.query(
    `UPDATE campaigns SET current_campaign_version_id = :version_id::integer, updated_at = :now::timestamptz
     WHERE campaign_id = :campaign_id::integer`,
    { version_id: versionId, campaign_id: input.campaign_id, now: input.now },
  );
  return versionId;
}

/** The vendor's live campaign with its current version; undefined for anyone else's. */
export async function findCampaign(
  sql: SqlExecutor,
  input: { campaign_id: number; vendor_id?: number; forUpdate?: boolean },
): Promise<CampaignRow | undefined> {
  const { rows } = await sql.query<CampaignRow & Record<string, unknown>>(
    `SELECT ${campaignColumns}
     FROM campaigns c JOIN campaign_versions cv ON cv.campaign_version_id = c.current_campaign_version_id
     WHERE c.campaign_id = :id::integer AND c.is_deleted IS NOT TRUE
       AND (:vendor_id::integer IS NULL OR c.vendor_id = :vendor_id::integer)
     ${input.forUpdate ? 'FOR UPDATE OF c' : ''}`,
    { id: input.campaign_id, vendor_id: input.vendor_id ?? null },
  );
  return rows[0];
}

export async function listCampaigns(
  sql: SqlExecutor,
  input: { vendor_id?: number; status?: string; public_only?: boolean; before_id?: number; limit: number },
): Promise<CampaignRow[]> {
  const { rows } = await sql.query<CampaignRow & Record<string, unknown>>(
    `SELECT ${campaignColumns}
     FROM campaigns c JOIN campaign_versions cv ON cv.campaign_version_id = c.current_campaign_version_id
     WHERE c.is_deleted IS NOT TRUE
       AND (:vendor_id::integer IS NULL OR c.vendor_id = :vendor_id::integer)
       AND (:status::text IS NULL OR c.status = :status::text)
       AND (:public_only::boolean IS NOT TRUE OR cv.is_public IS TRUE)
       AND (:before_id::integer IS NULL OR c.campaign_id < :before_id::integer)
     ORDER BY c.campaign_id DESC LIMIT :limit::integer`,
    {
      vendor_id: input.vendor_id ?? null,
      status: input.status ?? null,
      public_only: input.public_only ?? false,
      before_id: input.before_id ?? null,
      limit: input.limit + 1,
    },
  );
  return rows;
}

export async function listTiers(sql: SqlExecutor, versionIds: number[]): Promise<TierRow[]> {
  if (versionIds.length === 0) return [];
  const { rows } = await sql.query<TierRow & Record<string, unknown>>(
    `SELECT campaign_tier_id, campaign_version_id, reward_id, label, min_amount, max_amount, reward_type, reward_value
     FROM campaign_tiers WHERE campaign_version_id = ANY(:ids::integer[]) AND is_deleted IS NOT TRUE
     ORDER BY campaign_version_id, min_amount`,
    { ids: versionIds },
  );
  return rows;
}

export interface VersionSummaryRow {
  campaign_version_id: number;
  version_number: number;
  name: string;
  destination_url: string;
  default_commission_type: string;
  default_commission_value: string | null;
  cookie_duration_days: number;
  approval_required: boolean;
  is_public: boolean;
  max_partners: number | null;
  attribution_model: string;
  approval_hold_days: number;
  created_at: string;
}

export async function listVersions(sql: SqlExecutor, campaignId: number): Promise<VersionSummaryRow[]> {
  const { rows } = await sql.query<VersionSummaryRow & Record<string, unknown>>(
    `SELECT campaign_version_id, version_number, name, destination_url, default_commission_type, default_commission_value,
            cookie_duration_days, approval_required, is_public, max_partners, attribution_model, approval_hold_days, created_at
     FROM campaign_versions WHERE campaign_id = :id::integer ORDER BY version_number`,
    { id: campaignId },
  );
  return rows;
}

export async function setCampaignStatus(sql: SqlExecutor, input: { campaign_id: number; status: string; now: Date }): Promise<void> {
  await sql.query(`UPDATE campaigns SET status = :status, updated_at = :now::timestamptz WHERE campaign_id = :id::integer`, {
    id: input.campaign_id,
    status: input.status,
    now: input.now,
  });
}

/**
 * Carries a campaign's enrollments and partner overrides onto its new version, so links keep
 * redirecting, totals continue, and negotiated rates keep applying. Conversions already recorded
 * keep the version they happened under, and a later sale on a click made before the edit is
 * still priced on the clicked version; the moved override and enrollment are found through the
 * campaign for it (loadOverrides, applyEnrollmentTotals; docs/campaign-edits-and-events.md).
 */
export async function moveToVersion(
  sql: SqlExecutor,
  input: { campaign_id: number; to_version_id: number; now: Date },
): Promise<{ enrollments: number; overrides: number }> {
  const enrollments = await sql.query(
    `UPDATE campaign_partners SET campaign_version_id = :to::integer, updated_at = :now::timestamptz
     WHERE campaign_version_id IN (SELECT campaign_version_id FROM campaign_versions WHERE campaign_id = :id::integer)
       AND campaign_version_id <> :to::integer`,
    { id: input.campaign_id, to: input.to_version_id, now: input.now },
  );
  const overrides = await sql.query(
    `UPDATE partner_campaign_overrides SET campaign_version_id = :to::integer
     WHERE campaign_version_id IN (SELECT campaign_version_id FROM campaign_versions WHERE campaign_id = :id::integer)
       AND campaign_version_id <> :to::integer`,
    { id: input.campaign_id, to: input.to_version_id },
  );
  return { enrollments: enrollments.rowCount, overrides: overrides.rowCount };
}
