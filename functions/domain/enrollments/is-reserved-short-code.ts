/**
 * Paths the platform's own host serves besides short links: a link with one of these codes could
 * never be reached (`/app/` is the web app, on the same host as `/{short_code}` locally and
 * behind the same CloudFront distribution on AWS).
 */
const RESERVED_SHORT_CODES = new Set(['app', 'v1', 'js', 'e', 'webhooks', 'healthz']);

/** True when `code` must never be a short link's code (compared case-insensitively). */
export function isReservedShortCode(code: string): boolean {
  return RESERVED_SHORT_CODES.has(code.toLowerCase());
}
