/**
 * `partner_links`: a partner's short links, and the join that turns a link into the hot store's
 * `LinkItem` (its status follows the link, its enrollment, its partner, its campaign and vendor).
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { LinkItem } from '../../ports/link-store.js';

export interface PartnerLinkRow {
  partner_link_id: number;
  campaign_partner_id: number;
  short_code: string;
  full_url: string;
  custom_params: Record<string, string> | null;
  utm_params: Record<string, string> | null;
  link_label: string | null;
  content_piece_id: number | null;
  created_at: string;
  campaign_id: number;
  campaign_version_id: number;
  partner_id: number;
}

const linkColumns = `pl.partner_link_id, pl.campaign_partner_id, pl.short_code, pl.full_url, pl.custom_params, pl.utm_params,
  pl.link_label, pl.content_piece_id, pl.created_at, cv.campaign_id, cp.campaign_version_id, cp.partner_id`;

export async function insertPartnerLink(
  sql: SqlExecutor,
  input: {
    campaign_partner_id: number;
    short_code: string;
    full_url: string;
    custom_params: Record<string, string> | null;
    utm_params: Record<string, string> | null;
    link_label: string | null;
    content_piece_id?: number | null;
    now: Date;
  },
): Promise<number> {
  const { rows } = await sql.query<{ partner_link_id: number }>(
    `INSERT INTO partner_links (campaign_partner_id, short_code, full_url, custom_params, utm_params, link_label, content_piece_id, created_at)
     VALUES (:campaign_partner_id::integer, :short_code, :full_url, :custom_params::jsonb, :utm_params::jsonb, :link_label,
             :content_piece_id::integer, :now::timestamptz)
     RETURNING partner_link_id`,
    { ...input, content_piece_id: input.content_piece_id ?? null },
  );
  return rows[0]!.partner_link_id;
}

/** A partner's live link; undefined when absent, deleted or someone else's. */
export async function findPartnerLink(
  sql: SqlExecutor,
  input: { partner_link_id: number; partner_id: number },
): Promise<PartnerLinkRow | undefined> {
  const { rows } = await sql.query<PartnerLinkRow & Record<string, unknown>>(
    `SELECT ${linkColumns}
     FROM partner_links pl
     JOIN campaign_partners cp ON cp.campaign_partner_id = pl.campaign_partner_id
     JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
     WHERE pl.partner_link_id = :id::integer AND cp.partner_id = :partner_id::integer AND pl.is_deleted IS NOT TRUE`,
    { id: input.partner_link_id, partner_id: input.partner_id },
  );
  return rows[0];
}

export async function listPartnerLinks(
  sql: SqlExecutor,
  input: { partner_id?: number; campaign_partner_id?: number; campaign_id?: number; before_id?: number; limit: number },
): Promise<PartnerLinkRow[]> {
  const { rows } = await sql.query<PartnerLinkRow & Record<string, unknown>>(
    `SELECT ${linkColumns}
     FROM partner_links pl
     JOIN campaign_partners cp ON cp.campaign_partner_id = pl.campaign_partner_id
     JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
     WHERE (:partner_id::integer IS NULL OR cp.partner_id = :partner_id::integer) AND pl.is_deleted IS NOT TRUE
       AND (:campaign_partner_id::integer IS NULL OR cp.campaign_partner_id = :campaign_partner_id::integer)
       AND (:campaign_id::integer IS NULL OR cv.campaign_id = :campaign_id::integer)
       AND (:before_id::integer IS NULL OR pl.partner_link_id < :before_id::integer)
     ORDER BY pl.partner_link_id DESC LIMIT :limit::integer`,
    {
      partner_id: input.partner_id ?? null,
      campaign_partner_id: input.campaign_partner_id ?? null,
      campaign_id: input.campaign_id ?? null,
      before_id: input.before_id ?? null,
      limit: input.limit + 1,
    },
  );
  return rows;
}

export async function softDeletePartnerLink(sql: SqlExecutor, input: { partner_link_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE partner_links SET is_deleted = TRUE, deleted_at = :now::timestamptz WHERE partner_link_id = :id::integer`,
    { id: input.partner_link_id, now: input.now },
  );
}

/** Which links to (re)build as hot-store items; every given field narrows the set. */
export interface LinkSelector {
  partner_link_ids?: number[];
  campaign_id?: number;
  partner_id?: number;
  campaign_partner_id?: number;
  vendor_id?: number;
}

/** The link item's ids as they are, its URL, parameters and cookie window as stored. */
interface LinkItemRow
  extends Pick<LinkItem, 'short_code' | 'partner_link_id' | 'campaign_partner_id' | 'partner_id' | 'vendor_id' | 'campaign_id' | 'campaign_version_id'> {
  full_url: string;
  utm_params: Record<string, string> | null;
  custom_params: Record<string, string> | null;
  cookie_duration_days: number | null;
  is_active: boolean;
}

/**
 * Link items for the selected links, in id order, `limit` at a time after `after_id`. Deleted
 * links are included (as inactive) so the hot store stops serving them.
 */
export async function loadLinkItems(
  sql: SqlExecutor,
  input: { selector: LinkSelector; now: Date; after_id?: number; limit?: number },
): Promise<LinkItem[]> {
  const s = input.selector;
  const { rows } = await sql.query<LinkItemRow & Record<string, unknown>>(
    `SELECT pl.short_code, pl.partner_link_id, pl.campaign_partner_id, cp.partner_id, c.vendor_id, c.campaign_id,
            cp.campaign_version_id, pl.full_url, pl.utm_params, pl.custom_params, cv.cookie_duration_days,
            (pl.is_deleted IS NOT TRUE AND cp.is_deleted IS NOT TRUE AND cp.status = 'approved'
             AND p.is_deleted IS NOT TRUE AND p.status = 'active'
             AND c.is_deleted IS NOT TRUE AND c.status = 'active'
             AND v.is_deleted IS NOT TRUE AND v.status = 'active') AS is_active
     FROM partner_links pl
     JOIN campaign_partners cp ON cp.campaign_partner_id = pl.campaign_partner_id
     JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
     JOIN campaigns c ON c.campaign_id = cv.campaign_id
     JOIN partners p ON p.partner_id = cp.partner_id
     JOIN vendors v ON v.vendor_id = c.vendor_id
     WHERE (:ids::integer[] IS NULL OR pl.partner_link_id = ANY(:ids::integer[]))
       AND (:campaign_id::integer IS NULL OR c.campaign_id = :campaign_id::integer)
       AND (:partner_id::integer IS NULL OR cp.partner_id = :partner_id::integer)
       AND (:campaign_partner_id::integer IS NULL OR cp.campaign_partner_id = :campaign_partner_id::integer)
       AND (:vendor_id::integer IS NULL OR c.vendor_id = :vendor_id::integer)
       AND (:after_id::integer IS NULL OR pl.partner_link_id > :after_id::integer)
     ORDER BY pl.partner_link_id
     LIMIT :limit::integer`,
    {
      ids: s.partner_link_ids ?? null,
      campaign_id: s.campaign_id ?? null,
      partner_id: s.partner_id ?? null,
      campaign_partner_id: s.campaign_partner_id ?? null,
      vendor_id: s.vendor_id ?? null,
      after_id: input.after_id ?? null,
      limit: input.limit ?? 500,
    },
  );
  const updatedAt = input.now.toISOString();
  return rows.map((row) => ({
    short_code: row.short_code,
    partner_link_id: row.partner_link_id,
    campaign_partner_id: row.campaign_partner_id,
    partner_id: row.partner_id,
    vendor_id: row.vendor_id,
    campaign_id: row.campaign_id,
    campaign_version_id: row.campaign_version_id,
    // full_url already carries the link's parameters; the redirect re-applying them is a no-op.
    destination_url: row.full_url,
    utm_params: row.utm_params ?? {},
    custom_params: row.custom_params ?? {},
    cookie_duration_days: row.cookie_duration_days ?? 30,
    status: row.is_active ? 'active' : 'inactive',
    updated_at: updatedAt,
  }));
}

/** Ids of links whose hot-store write failed at or after `since` (recorded in audit_logs). */
export async function linksMarkedForRepair(sql: SqlExecutor, input: { since: Date }): Promise<number[]> {
  const { rows } = await sql.query<{ entity_id: number }>(
    `SELECT DISTINCT entity_id FROM audit_logs
     WHERE entity_type = 'partner_links' AND action = 'hot_store_sync_failed' AND created_at >= :since::timestamptz
     ORDER BY entity_id`,
    { since: input.since },
  );
  return rows.map((row) => Number(row.entity_id));
}
