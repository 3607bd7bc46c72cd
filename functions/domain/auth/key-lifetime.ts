/**
 * Key lifetime policy (documented in docs/api.md):
 * - every key expires 90 days after it is issued; expiry is ENFORCED (401 afterwards);
 * - from 10 days before expiry, responses carry `Deprecation` (RFC 9745) and `Sunset` (RFC 8594)
 *   headers naming the moment the key stops working, so clients can rotate in time;
 * - rotating a key issues a new one and keeps the old alive for a 24-hour grace period (or
 *   until its own expiry, if sooner), so deployments can switch over without downtime.
 */
const dayMs = 86_400_000;

export const keyLifetimeMs = 90 * dayMs;
export const keyWarningWindowMs = 10 * dayMs;
export const rotationGraceMs = 24 * 3_600_000;

/** When a key issued at `now` expires. */
export function keyExpiresAt(now: Date): Date {
  return new Date(now.getTime() + keyLifetimeMs);
}

/** The old key's new expiry when it is rotated at `now`: the grace period, never later than it had. */
export function expiryAfterRotation({ now, currentExpiresAt }: { now: Date; currentExpiresAt: Date }): Date {
  const graceEnd = now.getTime() + rotationGraceMs;
  return new Date(Math.min(graceEnd, currentExpiresAt.getTime()));
}

/** Headers warning that the calling key expires soon; empty while it has more than 10 days left. */
export function keyExpiryHeaders({ now, expiresAt }: { now: Date; expiresAt: Date }): Record<string, string> {
  if (expiresAt.getTime() - now.getTime() > keyWarningWindowMs) return {};
  return {
    deprecation: `@${Math.floor(expiresAt.getTime() / 1000)}`,
    sunset: expiresAt.toUTCString(),
    'x-api-key-expires-at': expiresAt.toISOString(),
  };
}
