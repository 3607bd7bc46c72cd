import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of two byte strings. Lengths are compared first (a digest's length
 * is public); contents are compared with `timingSafeEqual` so a forger learns nothing from
 * response times.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
