import { z } from 'zod';

/**
 * A recorded click, as the redirect writes it to the DynamoDB click table and sends it on the
 * clicks queue (the same object both ways, so the ingester can also rebuild a click from the hot
 * store). Snake case: these are the Aurora column names.
 */
export const clickMessageSchema = z
  .object({
    /** Message format version; a consumer refuses versions it does not know. */
    v: z.literal(1),
    /** UUIDv7 minted by the redirect; `clicks.click_uuid` in Aurora, `aff_click_id` at the merchant. */
    click_id: z.uuid(),
    /** The `aff_cid` cookie's value (UUID v4). */
    cookie_id: z.uuid(),
    short_code: z.string().min(1).max(50),
    partner_link_id: z.number().int().positive(),
    campaign_partner_id: z.number().int().positive(),
    partner_id: z.number().int().positive(),
    vendor_id: z.number().int().positive(),
    campaign_id: z.number().int().positive(),
    campaign_version_id: z.number().int().positive(),
    /** ISO-8601 UTC, millisecond precision. */
    clicked_at: z.iso.datetime(),
    /** When the cookie set with this click expires (clicked_at + cookie_duration_days). */
    cookie_expires_at: z.iso.datetime(),
    /** Already truncated (IPv4 /24, IPv6 /48); the full address never leaves the redirect. */
    ip_address: z.string().max(64).nullable(),
    visitor_hash: z.string().regex(/^[0-9a-f]{64}$/),
    user_agent: z.string().max(512).nullable(),
    referrer_url: z.string().max(2048).nullable(),
    utm_source: z.string().max(255).nullable(),
    utm_medium: z.string().max(255).nullable(),
    utm_campaign: z.string().max(255).nullable(),
    utm_content: z.string().max(255).nullable(),
    utm_term: z.string().max(255).nullable(),
    country_code: z.string().regex(/^[A-Z]{2}$/).nullable(),
    device_type: z.string().max(50).nullable(),
    browser: z.string().max(100).nullable(),
    os: z.string().max(100).nullable(),
    /**
     * Set when the redirect did not count the request (`velocity`: over a per-minute limit): the
     * row is kept so the flood is countable, but it has no cookie, journey or total and earns
     * nothing. Absent on every counted click (and on every hot-store item).
     */
    filter_reason: z.enum(['velocity']).optional(),
  })
  .strict();

export type ClickMessage = z.infer<typeof clickMessageSchema>;
