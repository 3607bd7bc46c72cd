import type { LinkItem } from '../../ports/link-store.js';
import { destinationUtm, type DestinationUtm } from '../links/prepare-link-destination.js';
import type { ClickMessage } from './click-message.js';
import { hashVisitor } from './hash-visitor.js';
import { parseUserAgent } from './parse-user-agent.js';
import { readCountryCode } from './read-country-code.js';
import { truncateIp } from './truncate-ip.js';
import { linkFieldsOfClick } from './link-fields-of-click.js';

const DAY_SECONDS = 86_400;

export interface ClickRequestFacts {
  /** The client address as seen by the edge (full); truncated here and never kept whole. */
  sourceIp: string | null;
  userAgent: string | null;
  referrer: string | null;
  viewerCountry: string | null;
}

/** The visitor fingerprint for a request on a link (see `hashVisitor`). */
export function visitorHashFor(facts: ClickRequestFacts, shortCode: string): string {
  return hashVisitor({ truncatedIp: truncateIp(facts.sourceIp), userAgent: trimmedUserAgent(facts.userAgent), shortCode });
}

function trimmedUserAgent(userAgent: string | null): string | null {
  const ua = userAgent?.trim();
  return ua ? ua.slice(0, 512) : null;
}

/** Seconds a cookie set for this link lives: the campaign version's cookie window. */
export function cookieMaxAgeSeconds(link: Pick<LinkItem, 'cookie_duration_days'>): number {
  return Math.max(0, Math.trunc(link.cookie_duration_days)) * DAY_SECONDS;
}

/**
 * Assembles the click record from the link, the request and the ids the redirect minted.
 * UTM values are the ones of the final destination (what the merchant's analytics will see):
 * the request's own query string never influences the destination nor the record.
 */
export function buildClick(input: {
  link: LinkItem;
  facts: ClickRequestFacts;
  clickId: string;
  cookieId: string;
  /** The final destination (after parameter merging), or its UTM values already read (`destinationUtm`). */
  destination: URL | DestinationUtm;
  now: Date;
  /** `visitorHashFor(facts, link.short_code)` when the caller already computed it for this request. */
  visitorHash?: string;
}): ClickMessage {
  const { link, facts, clickId, cookieId, destination, now } = input;
  const userAgent = trimmedUserAgent(facts.userAgent);
  const ip = truncateIp(facts.sourceIp);
  const details = parseUserAgent(userAgent);
  const referrer = facts.referrer?.trim();
  const utm = destination instanceof URL ? destinationUtm(destination) : destination;
  return {
    v: 1,
    click_id: clickId,
    cookie_id: cookieId,
    ...linkFieldsOfClick(link),
    clicked_at: now.toISOString(),
    cookie_expires_at: new Date(now.getTime() + cookieMaxAgeSeconds(link) * 1000).toISOString(),
    ip_address: ip,
    visitor_hash: input.visitorHash ?? hashVisitor({ truncatedIp: ip, userAgent, shortCode: link.short_code }),
    user_agent: userAgent,
    referrer_url: referrer ? referrer.slice(0, 2048) : null,
    utm_source: utm.utm_source,
    utm_medium: utm.utm_medium,
    utm_campaign: utm.utm_campaign,
    utm_content: utm.utm_content,
    utm_term: utm.utm_term,
    country_code: readCountryCode(facts.viewerCountry),
    device_type: details.deviceType,
    browser: details.browser,
    os: details.os,
  };
}
