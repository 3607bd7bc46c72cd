/** Shared fixtures of the click pipeline's tests: enrollments and links in Aurora, click messages, SQS events. */
import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { v7 as uuidv7 } from 'uuid';
import type { ClickMessage } from '../../../../functions/domain/clicks/click-message.js';
import type { LinkItem } from '../../../../functions/ports/link-store.js';
import type { SqlExecutor } from '../../../../functions/ports/sql-executor.js';

let seedCounter = 0;

/**
 * One vendor, one active campaign with one version, `partners` approved partners each with
 * `linksPerPartner` links. Returns the hot-store items the management API would have written.
 */
export async function seedLinks(
  sql: SqlExecutor,
  { partners = 2, linksPerPartner = 1, cookieDurationDays = 30 }: { partners?: number; linksPerPartner?: number; cookieDurationDays?: number } = {},
): Promise<LinkItem[]> {
  seedCounter += 1;
  const tag = `${Date.now().toString(36)}${seedCounter}`;
  const vendor = await sql.query<{ vendor_id: number }>(
    `INSERT INTO vendors (name, email) VALUES (:name, :email) RETURNING vendor_id`,
    { name: `Vendor ${tag}`, email: `vendor-${tag}@example.com` },
  );
  const vendorId = vendor.rows[0]!.vendor_id;
  const campaign = await sql.query<{ campaign_id: number }>(
    `INSERT INTO campaigns (vendor_id, status) VALUES (:vendorId::integer, 'active') RETURNING campaign_id`,
    { vendorId },
  );
  const campaignId = campaign.rows[0]!.campaign_id;
  const version = await sql.query<{ campaign_version_id: number }>(
    `INSERT INTO campaign_versions (campaign_id, version_number, name, destination_url, default_commission_type, default_commission_value, cookie_duration_days)
     VALUES (:campaignId::integer, 1, 'Spring', 'https://shop.example.com/spring', 'percentage', '10.00'::numeric, :days::integer)
     RETURNING campaign_version_id`,
    { campaignId, days: cookieDurationDays },
  );
  const versionId = version.rows[0]!.campaign_version_id;
  await sql.query(`UPDATE campaigns SET current_campaign_version_id = :versionId::integer WHERE campaign_id = :campaignId::integer`, {
    versionId,
    campaignId,
  });
  const links: LinkItem[] = [];
  for (let p = 0; p < partners; p += 1) {
    const partner = await sql.query<{ partner_id: number }>(
      `INSERT INTO partners (name, email, status) VALUES (:name, :email, 'active') RETURNING partner_id`,
      { name: `Partner ${tag}-${p}`, email: `partner-${tag}-${p}@example.com` },
    );
    const partnerId = partner.rows[0]!.partner_id;
    const enrollment = await sql.query<{ campaign_partner_id: number }>(
      `INSERT INTO campaign_partners (campaign_version_id, partner_id, status, approved_at)
       VALUES (:versionId::integer, :partnerId::integer, 'approved', NOW()) RETURNING campaign_partner_id`,
      { versionId, partnerId },
    );
    const campaignPartnerId = enrollment.rows[0]!.campaign_partner_id;
    for (let l = 0; l < linksPerPartner; l += 1) {
      const shortCode = `c${tag}p${p}l${l}`;
      const row = await sql.query<{ partner_link_id: number }>(
        `INSERT INTO partner_links (campaign_partner_id, short_code, full_url, utm_params, custom_params)
         VALUES (:campaignPartnerId::integer, :shortCode, 'https://shop.example.com/spring', :utm::jsonb, :custom::jsonb)
         RETURNING partner_link_id`,
        {
          campaignPartnerId,
          shortCode,
          utm: JSON.stringify({ utm_source: `partner${p}`, utm_medium: 'referral' }),
          custom: JSON.stringify({ link: String(l) }),
        },
      );
      links.push({
        short_code: shortCode,
        partner_link_id: row.rows[0]!.partner_link_id,
        campaign_partner_id: campaignPartnerId,
        partner_id: partnerId,
        vendor_id: vendorId,
        campaign_id: campaignId,
        campaign_version_id: versionId,
        destination_url: 'https://shop.example.com/spring',
        utm_params: { utm_source: `partner${p}`, utm_medium: 'referral' },
        custom_params: { link: String(l) },
        cookie_duration_days: cookieDurationDays,
        status: 'active',
        updated_at: '2024-03-01T00:00:00.000Z',
      });
    }
  }
  return links;
}

/** A valid click message on `link` at `clickedAt`. */
export function clickOn(link: LinkItem, clickedAt: string, overrides: Partial<ClickMessage> = {}): ClickMessage {
  const expires = new Date(Date.parse(clickedAt) + link.cookie_duration_days * 86_400_000).toISOString();
  return {
    v: 1,
    click_id: uuidv7({ msecs: Date.parse(clickedAt) }),
    cookie_id: randomUUID(),
    short_code: link.short_code,
    partner_link_id: link.partner_link_id,
    campaign_partner_id: link.campaign_partner_id,
    partner_id: link.partner_id,
    vendor_id: link.vendor_id,
    campaign_id: link.campaign_id,
    campaign_version_id: link.campaign_version_id,
    clicked_at: clickedAt,
    cookie_expires_at: expires,
    ip_address: '203.0.113.0',
    visitor_hash: 'a'.repeat(64),
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    referrer_url: 'https://blog.example.org/post',
    utm_source: link.utm_params.utm_source ?? null,
    utm_medium: link.utm_params.utm_medium ?? null,
    utm_campaign: null,
    utm_content: null,
    utm_term: null,
    country_code: 'FR',
    device_type: 'desktop',
    browser: 'Chrome 124.0.0.0',
    os: 'Linux',
    ...overrides,
  };
}

let messageCounter = 0;

/** An SQS event carrying these bodies (objects are JSON-encoded, strings sent as they are). */
export function sqsEvent(bodies: readonly (ClickMessage | string)[]): SQSEvent {
  return {
    Records: bodies.map((body) => {
      messageCounter += 1;
      return {
        messageId: `msg-${messageCounter}`,
        receiptHandle: `rh-${messageCounter}`,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1710496800000',
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: '1710496800000',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:clicks',
        awsRegion: 'us-east-1',
      };
    }),
  };
}
