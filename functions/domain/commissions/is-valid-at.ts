/**
 * Whether `at` lies in the half-open validity window [validFrom, validUntil). A null bound is
 * open. Half-open so that consecutive windows (one ending when the next starts) never overlap.
 */
export function isValidAt(window: { validFrom?: Date | null; validUntil?: Date | null }, at: Date): boolean {
  const t = at.getTime();
  if (window.validFrom && t < window.validFrom.getTime()) return false;
  if (window.validUntil && t >= window.validUntil.getTime()) return false;
  return true;
}
