/**
 * The next `commission_adjustments` amount for a paid commission: what moves the partner from
 * what it has received (payouts + earlier adjustments) to what it now earns.
 *
 * - Not paid yet (`paidCents` 0): 0 - the unpaid commission is simply reduced in place.
 * - Earns less than received: negative (clawback, netted in the next payout).
 * - Earns more than received (a dispute won after its clawback): positive, but never more than
 *   the earlier clawbacks (`-priorAdjustmentsCents`), since payouts themselves carry the rest.
 */
export function settleAdjustment(input: {
  adjustedCents: bigint;
  paidCents?: bigint;
  priorAdjustmentsCents?: bigint;
}): bigint {
  const paid = input.paidCents ?? 0n;
  if (paid <= 0n) return 0n;
  const prior = input.priorAdjustmentsCents ?? 0n;
  const delta = input.adjustedCents - (paid + prior);
  const maxRestore = prior < 0n ? -prior : 0n;
  return delta > maxRestore ? maxRestore : delta;
}
