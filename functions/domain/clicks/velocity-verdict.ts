import type { RateCounts } from '../../ports/request-rate-counter.js';

/**
 * How many requests per minute, on one link, are still clicks. Above either, the request is
 * redirected as usual but not counted (filter reason `velocity`). 0 turns a rule off.
 */
export interface VelocityLimits {
  /** From one visitor (truncated IP + user agent) on one link. */
  perVisitorPerLink: number;
  /** From one address prefix (IPv4 /24, IPv6 /48), whatever the user agent, on one link. */
  perIpPerLink: number;
}

/** The default limits (docs/trust.md explains the choice). */
export const DEFAULT_VELOCITY_LIMITS: VelocityLimits = { perVisitorPerLink: 10, perIpPerLink: 300 };

/**
 * Which velocity rule this request breaks, if any. Counts include the request itself, so with a
 * limit of 10 the 10th request of the minute is still a click and the 11th is not.
 */
export function velocityVerdict({ counts, limits }: { counts: RateCounts; limits: VelocityLimits }): 'visitor' | 'ip' | null {
  if (limits.perVisitorPerLink > 0 && counts.visitor > limits.perVisitorPerLink) return 'visitor';
  if (limits.perIpPerLink > 0 && counts.ip > limits.perIpPerLink) return 'ip';
  return null;
}

