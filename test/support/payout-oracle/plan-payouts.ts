/**
 * What the `payouts` job creates for one run, as a pure function: the SQL job implements the same
 * rules set-based, and tests cross-check the SQL against this.
 */

/** A partner's payable money on one conversion: an approved, unpaid touch share or a clawback. */
export interface PayoutCredit {
  partnerId: number;
  conversionEventId: number;
  /** Minor units; negative for an adjustment (refund after payout). */
  amountCents: bigint;
  /** Set for a `commission_adjustments` row (then usually negative); absent for a touch share. */
  adjustmentId?: number;
  /**
   * ISO UTC time the credit became payable (conversion `approved_at`, adjustment `created_at`).
   * Credits at or after `periodEnd` wait for the next run; earlier ones, however old, are paid now
   * (a partner below the threshold last month is carried forward, never skipped for good).
   */
  eligibleAt?: string;
}

export interface PayoutPartner {
  partnerId: number;
  /** The partner's `is_default` payment method, if any (verified or not). */
  defaultMethod?: { id: number; providerId: number; isVerified: boolean };
}

export interface PlannedPayoutEvent {
  conversionEventId: number;
  /** The partner's net on this conversion in this payout: its touch shares plus adjustments. */
  amountCents: bigint;
}

export interface PlannedPayout {
  partnerId: number;
  methodId: number;
  providerId: number;
  /** Exactly the sum of `events`. */
  amountCents: bigint;
  startDate: string;
  endDate: string;
  /** One row per conversion (the payout_events primary key), ordered by conversion id. */
  events: PlannedPayoutEvent[];
  /** `commission_adjustments` rows netted into this payout: the job sets their `payout_id`. */
  adjustmentIds: number[];
}

export type SkipReason = 'below_threshold' | 'no_verified_default_method';

export interface SkippedPartner {
  partnerId: number;
  reason: SkipReason;
  /** What the partner would have been paid (may be zero or negative after clawbacks). */
  amountCents: bigint;
}

export interface PlanPayoutsInput {
  periodStart: string;
  periodEnd: string;
  now: string;
  /** Default 5000 (50.00). A partner is paid only when its net is at least this and positive. */
  minimumCents?: bigint;
  partners: readonly PayoutPartner[];
  credits: readonly PayoutCredit[];
}

export interface PayoutPlan {
  payouts: PlannedPayout[];
  skipped: SkippedPartner[];
}

/** The run's input is inconsistent; nothing may be created from it. */
export class PayoutPlanError extends Error {
  override readonly name = 'PayoutPlanError';
}

export const DEFAULT_MINIMUM_PAYOUT_CENTS = 5000n;

function parseInstant(label: string, value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new PayoutPlanError(`${label} is not a timestamp: ${value}`);
  return ms;
}

/**
 * One payout per partner whose net payable credits (across vendors, after negative adjustments)
 * reach the threshold, to the partner's verified default method; every other partner with credits
 * is reported in `skipped`. Output is ordered by partner id, then conversion id, so two runs over
 * the same rows produce the same plan.
 */
export function planPayouts(input: PlanPayoutsInput): PayoutPlan {
  const minimumCents = input.minimumCents ?? DEFAULT_MINIMUM_PAYOUT_CENTS;
  const start = parseInstant('periodStart', input.periodStart);
  const end = parseInstant('periodEnd', input.periodEnd);
  const now = parseInstant('now', input.now);
  if (start >= end) throw new PayoutPlanError('periodStart must be before periodEnd');
  // A period still running could gain credits after its payout was cut.
  if (end > now) throw new PayoutPlanError('periodEnd is in the future');
  if (minimumCents <= 0n) throw new PayoutPlanError('minimumCents must be positive');

  const partners = new Map<number, PayoutPartner>();
  for (const partner of input.partners) {
    if (partners.has(partner.partnerId)) throw new PayoutPlanError(`partner ${partner.partnerId} listed twice`);
    partners.set(partner.partnerId, partner);
  }

  // partner -> conversion -> net; partner -> adjustment ids
  const byPartner = new Map<number, { events: Map<number, bigint>; adjustmentIds: number[] }>();
  const seenAdjustments = new Set<number>();
  for (const credit of input.credits) {
    if (credit.eligibleAt !== undefined && parseInstant('eligibleAt', credit.eligibleAt) >= end) continue;
    if (credit.adjustmentId !== undefined) {
      // Counting one clawback twice would under-pay the partner silently.
      if (seenAdjustments.has(credit.adjustmentId)) {
        throw new PayoutPlanError(`adjustment ${credit.adjustmentId} listed twice`);
      }
      seenAdjustments.add(credit.adjustmentId);
    }
    let entry = byPartner.get(credit.partnerId);
    if (!entry) {
      entry = { events: new Map(), adjustmentIds: [] };
      byPartner.set(credit.partnerId, entry);
    }
    // A partner with several touches on one conversion (A -> B -> A) gets one row: its total share.
    entry.events.set(credit.conversionEventId, (entry.events.get(credit.conversionEventId) ?? 0n) + credit.amountCents);
    if (credit.adjustmentId !== undefined) entry.adjustmentIds.push(credit.adjustmentId);
  }

  const payouts: PlannedPayout[] = [];
  const skipped: SkippedPartner[] = [];
  for (const partnerId of [...byPartner.keys()].sort((a, b) => a - b)) {
    const entry = byPartner.get(partnerId)!;
    // Zero-net rows are kept: they mark a share (and the clawback that cancelled it) as settled.
    const events = [...entry.events.entries()]
      .sort(([a], [b]) => a - b)
      .map(([conversionEventId, amountCents]) => ({ conversionEventId, amountCents }));
    const amountCents = events.reduce((sum, event) => sum + event.amountCents, 0n);
    // The missing method is named first, as the payout statement does: it is what the partner
    // has to fix, whatever the amount.
    const method = partners.get(partnerId)?.defaultMethod;
    if (!method || !method.isVerified) {
      skipped.push({ partnerId, reason: 'no_verified_default_method', amountCents });
      continue;
    }
    if (amountCents < minimumCents) {
      skipped.push({ partnerId, reason: 'below_threshold', amountCents });
      continue;
    }
    payouts.push({
      partnerId,
      methodId: method.id,
      providerId: method.providerId,
      amountCents,
      startDate: input.periodStart,
      endDate: input.periodEnd,
      events,
      adjustmentIds: [...entry.adjustmentIds].sort((a, b) => a - b),
    });
  }
  return { payouts, skipped };
}
