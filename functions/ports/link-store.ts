/**
 * The hot store's view of a partner link: everything the redirect needs to answer without Aurora.
 * Written through by the management API whenever a link, its enrollment, its partner or its
 * campaign changes; read by the redirect (behind a short in-memory cache).
 */
export interface LinkItem {
  short_code: string;
  partner_link_id: number;
  campaign_partner_id: number;
  partner_id: number;
  vendor_id: number;
  campaign_id: number;
  campaign_version_id: number;
  /** The campaign's destination (or a same-host deep link); http/https only. */
  destination_url: string;
  utm_params: Record<string, string>;
  custom_params: Record<string, string>;
  cookie_duration_days: number;
  /**
   * `active` only when the link is not deleted, the enrollment is approved, the partner is
   * active and the campaign is active; anything else answers 404 at the redirect.
   */
  status: 'active' | 'inactive';
  /** ISO timestamp of the write; a repair never overwrites a newer item. */
  updated_at: string;
}

export interface LinkStore {
  get(shortCode: string): Promise<LinkItem | undefined>;
  put(item: LinkItem): Promise<void>;
}
