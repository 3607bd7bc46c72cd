import type { LinkItem } from '../../ports/link-store.js';
import type { ClickMessage } from './click-message.js';

/** What a click message copies from the link it was made on: the short code and every id the link carries. */
export function linkFieldsOfClick(link: LinkItem): Pick<ClickMessage, 'short_code' | 'partner_link_id' | 'campaign_partner_id' | 'partner_id' | 'vendor_id' | 'campaign_id' | 'campaign_version_id'> {
  return {
    short_code: link.short_code,
    partner_link_id: link.partner_link_id,
    campaign_partner_id: link.campaign_partner_id,
    partner_id: link.partner_id,
    vendor_id: link.vendor_id,
    campaign_id: link.campaign_id,
    campaign_version_id: link.campaign_version_id,
  };
}
