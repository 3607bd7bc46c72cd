/**
 * Decides whether a URL may be stored as, or served as, a redirect destination. Used when a link
 * or campaign version is written (management API) and again at redirect time, so a bad value that
 * reached the hot store by any route is still refused.
 *
 * Refused, with a reason:
 * - anything that does not parse as an absolute URL (including protocol-relative `//host/x`,
 *   which browsers resolve against the current origin, and backslash tricks like `/\host`);
 * - schemes other than http and https (`javascript:`, `data:`, `vbscript:`, `file:`, `ftp:` ...);
 * - credentials in the authority (`https://user:pass@host`), a classic phishing disguise;
 * - a host that is empty;
 * - leading/trailing whitespace or control characters (browsers strip them, so the string we
 *   validated would not be the URL the browser follows);
 * - destinations that themselves forward somewhere named in their query string or fragment:
 *   a parameter whose name is a well-known forwarding name (`url`, `redirect`, `redirect_uri`,
 *   `next`, `return`, `returnTo`, `continue`, `dest`, `destination`, `goto`, `target`, `to`, `out`,
 *   `link`, `r`, `u`, ...) carrying an absolute or protocol-relative URL, or ANY parameter whose
 *   value is itself an absolute http(s) or protocol-relative URL. A shortener that forwards to a
 *   URL taken from a query string is an open redirect, even one hop removed.
 *
 * Deliberately allowed: non-URL values under forwarding names (`?next=2`, `?to=checkout`) and
 * relative paths (`?return=/cart`), which stay on the destination's own host.
 */
export type ValidateDestinationUrlResult =
  | { ok: true; url: URL }
  /** `parameter`: the query (or fragment) parameter that carries the refused URL, when one does. */
  | { ok: false; reason: string; parameter?: string };

const FORWARDING_PARAM_NAMES = new Set([
  'url', 'uri', 'u', 'r', 'redirect', 'redirect_url', 'redirect_uri', 'redirecturl', 'redirecturi', 'redir',
  'return', 'return_url', 'returnurl', 'return_to', 'returnto', 'next', 'continue', 'dest', 'destination',
  'goto', 'go', 'target', 'to', 'out', 'link', 'forward', 'fwd', 'callback', 'ref_url', 'checkout_url', 'view',
]);

const MAX_URL_LENGTH = 2048;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_SPACE = /[\u0000-\u001f\u007f\s]/;

function looksLikeUrl(value: string): boolean {
  const trimmed = value.trim().toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:/.test(trimmed) && !/^[a-z][a-z0-9+.-]*:\d/.test(trimmed)) {
    // Any scheme: `javascript:`, `http:`, `data:`... (but not `host:8080`-like values)
    return true;
  }
  return /^[/\\]{2}/.test(trimmed);
}

function isAbsoluteHttpOrProtocolRelative(value: string): boolean {
  const trimmed = value.trim().toLowerCase();
  return /^https?:/.test(trimmed) || /^[/\\]{2}/.test(trimmed);
}

/** Validates a redirect destination; see the module comment for what is refused and why. */
export function validateDestinationUrl(url: string): ValidateDestinationUrlResult {
  if (typeof url !== 'string' || url.length === 0) return { ok: false, reason: 'destination is empty' };
  if (url.length > MAX_URL_LENGTH) return { ok: false, reason: `destination is longer than ${MAX_URL_LENGTH} characters` };
  if (CONTROL_OR_SPACE.test(url)) return { ok: false, reason: 'destination contains whitespace or control characters' };
  if (/^[/\\]/.test(url)) return { ok: false, reason: 'destination must be absolute (protocol-relative or relative URLs are refused)' };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return { ok: false, reason: 'destination must be an absolute http or https URL' };
  if (scheme !== 'http' && scheme !== 'https') return { ok: false, reason: `scheme "${scheme}:" is not allowed (http and https only)` };
  // `https:/host` and `https:\\host` are normalised by URL parsers into something else: refuse.
  if (!/^https?:\/\/[^/\\]/i.test(url)) return { ok: false, reason: 'destination must be of the form http(s)://host/...' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'destination is not a valid URL' };
  }
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, reason: 'destination must not contain credentials' };
  if (parsed.hostname === '') return { ok: false, reason: 'destination has no host' };

  const fragmentParams = new URLSearchParams(parsed.hash.replace(/^#/, '').replace(/^[^?=&]*\?/, ''));
  for (const params of [parsed.searchParams, fragmentParams]) {
    for (const [name, value] of params) {
      const key = name.toLowerCase();
      if (FORWARDING_PARAM_NAMES.has(key) && looksLikeUrl(value)) {
        return { ok: false, reason: `destination forwards to a URL in its "${name}" parameter (open redirect)`, parameter: name };
      }
      if (isAbsoluteHttpOrProtocolRelative(value)) {
        return { ok: false, reason: `destination carries a URL in its "${name}" parameter (open redirect)`, parameter: name };
      }
    }
  }
  return { ok: true, url: parsed };
}
