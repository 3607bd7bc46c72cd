import { twoToMinusRatio, WEIGHT_SCALE } from './fixed-point.js';
import { DEFAULT_HALF_LIFE_DAYS, type AttributionModel } from './types.js';

const MS_PER_DAY = 86_400_000n;

/**
 * Relative integer weights of time-ordered touches under `model` (only ratios matter).
 *
 * - first_click / last_click: all credit to the first / last touch (others weigh 0).
 * - linear: equal weights.
 * - time_decay: 2^(-age / halfLife), age measured from the conversion; evaluated relative to
 *   the newest touch (weight exactly WEIGHT_SCALE) so long journeys never all underflow.
 * - position_based: 40 % first, 40 % last, 20 % shared by the middle touches; two touches
 *   50/50; one touch 100 %. Encoded as integers 2(n-2) : 1 : ... : 1 : 2(n-2).
 */
export function modelWeights(
  model: AttributionModel,
  touchTimes: readonly Date[],
  conversionAt: Date,
  halfLifeDays: number = DEFAULT_HALF_LIFE_DAYS,
): bigint[] {
  const n = touchTimes.length;
  if (n === 0) return [];
  switch (model) {
    case 'first_click':
      return touchTimes.map((_, i) => (i === 0 ? 1n : 0n));
    case 'last_click':
      return touchTimes.map((_, i) => (i === n - 1 ? 1n : 0n));
    case 'linear':
      return touchTimes.map(() => 1n);
    case 'position_based': {
      if (n <= 2) return touchTimes.map(() => 1n);
      const end = 2n * BigInt(n - 2);
      return touchTimes.map((_, i) => (i === 0 || i === n - 1 ? end : 1n));
    }
    case 'time_decay': {
      if (!Number.isFinite(halfLifeDays) || halfLifeDays <= 0) {
        throw new RangeError(`time_decay: half-life must be a positive number of days, got ${halfLifeDays}`);
      }
      // Half-life in ms as an exact integer: fractional days are allowed down to the millisecond.
      const halfLifeMs = BigInt(Math.round(halfLifeDays * 86_400_000)) || MS_PER_DAY;
      const ages = touchTimes.map((t) => BigInt(conversionAt.getTime() - t.getTime()));
      const youngest = ages.reduce((a, b) => (b < a ? b : a));
      return ages.map((age) => (age === youngest ? WEIGHT_SCALE : twoToMinusRatio(age - youngest, halfLifeMs)));
    }
  }
}
