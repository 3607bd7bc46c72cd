import ipaddr from 'ipaddr.js';
import { isPublicAddress } from './is-public-address.js';

export interface ValidateWebhookUrlOptions {
  /**
   * Development only (`ALLOW_LOOPBACK_WEBHOOKS=true`, set by the local runner, never read as true
   * on Lambda): http and loopback receivers (127.0.0.0/8, ::1, localhost) are accepted.
   * Private, link-local and other non-public targets stay refused even then.
   */
  allowLoopback: boolean;
}

function isLoopbackLiteral(host: string): boolean {
  if (!ipaddr.isValid(host)) return false;
  let address = ipaddr.parse(host);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  return address.range() === 'loopback';
}

const isLoopbackName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/**
 * Why a vendor's `webhook_url` cannot be saved, or undefined when it can. Checked when the URL
 * is saved, so a vendor learns at once (400) instead of from notifications that never arrive:
 * https only, no `user:pass@` (the URL is shown in responses and logs), and no literal address
 * outside the public internet (SSRF). Host names are not resolved here: the sender checks every
 * resolved address again at each POST (`functions/adapters/http/webhook-sender.ts`).
 */
export function validateWebhookUrl(url: string, options: ValidateWebhookUrlOptions): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  const scheme = parsed.protocol;
  if (scheme !== 'https:' && !(options.allowLoopback && scheme === 'http:')) {
    return options.allowLoopback ? 'must use https (or http for a local receiver)' : 'must use https';
  }
  if (parsed.username || parsed.password) return 'must not contain credentials (user:password@)';
  // WHATWG parsing has already normalised the host: 2130706433, 0x7f.1 and 127.1 are all 127.0.0.1 here.
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (options.allowLoopback && (isLoopbackName(host) || isLoopbackLiteral(host))) return undefined;
  if (ipaddr.isValid(host)) {
    return isPublicAddress(host) ? undefined : 'must not target a private, loopback or link-local address';
  }
  if (isLoopbackName(host)) return 'must not target a private, loopback or link-local address';
  // A single-label name only resolves inside some network (search domains), never on the public internet.
  if (!host.replace(/\.$/, '').includes('.')) return 'must be a public host name';
  return undefined;
}
