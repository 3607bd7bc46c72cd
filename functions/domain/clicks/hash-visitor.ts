import { createHash } from 'node:crypto';

/**
 * The visitor's fingerprint for repeat-click detection: SHA-256 of the already-truncated IP, the
 * user agent and the short code. Built from the truncated IP so no full address is ever derived
 * or stored; the short code is included so the same visitor on two links is two visitors.
 */
export function hashVisitor({ truncatedIp, userAgent, shortCode }: { truncatedIp: string | null; userAgent: string | null; shortCode: string }): string {
  return createHash('sha256')
    .update(`${truncatedIp ?? '-'}\n${userAgent ?? '-'}\n${shortCode}`)
    .digest('hex');
}
