import { splitLargestRemainder } from '../money/index.js';
import { confidenceForBinding } from './confidence-for-binding.js';
import { modelWeights } from './model-weights.js';
import {
  DEFAULT_ATTRIBUTION_MODEL,
  DEFAULT_HALF_LIFE_DAYS,
  type AttributionBinding,
  type AttributionConfidence,
  type AttributionModel,
  type ExcludedClick,
  type Id,
  type JourneyClick,
  type TouchType,
  type WeightedTouch,
} from './types.js';

const MS_PER_DAY = 86_400_000;
/**
 * How far a click the conversion names explicitly (its `click_id`) may lie AFTER the
 * conversion's provider timestamp and still count: 5 minutes. The sale cannot precede the click
 * it carries, so such a gap is the two companies' clocks (Stripe and Shopify stamp whole
 * seconds, our redirect stamps milliseconds), not a late click. Beyond it, the click is
 * `after_conversion` as before.
 */
export const EXPLICIT_CLICK_SKEW_MS = 5 * 60_000;

/** The dictionary's default `cookie_duration_days`. */
export const DEFAULT_COOKIE_WINDOW_DAYS = 30;

export interface AttributeJourneyInput {
  /** The journey's clicks in any order (the cookie's clicks, or the customer's bound click). */
  clicks: readonly JourneyClick[];
  /** The conversion's `occurred_at`. */
  conversionAt: Date;
  /** @default 'last_click' */
  model?: AttributionModel;
  /** Half-life for `time_decay`, in days. @default 7 */
  halfLifeDays?: number;
  /**
   * The campaign version's `cookie_duration_days`: clicks older than this earn nothing.
   * Not applied to `binding: 'customer'` (a lifetime binding outlives the cookie by design).
   * @default 30
   */
  cookieWindowDays?: number | null;
  /** How the journey was found; decides confidence. @default 'click_id' */
  binding?: AttributionBinding;
  /**
   * The click the conversion names (`click_id`). When it lies at most
   * {@link EXPLICIT_CLICK_SKEW_MS} after `conversionAt`, the conversion is taken to happen at
   * that click's time (clock skew), for eligibility and weights alike.
   */
  explicitClickId?: Id;
}

/** Attribution of one conversion before money: who is credited and with what share. */
export interface JourneyAttribution {
  model: AttributionModel;
  confidence: AttributionConfidence;
  /** Credited touches in time order (zero-weight touches included, e.g. B under first_click). */
  touches: WeightedTouch[];
  /** Clicks left out, with the reason (the caller rejects bot-only conversions with it). */
  excluded: ExcludedClick[];
  /**
   * The conversion's `partner_id`: largest total share; ties go to the partner whose latest
   * credited touch is latest. `null` when no click is eligible: store as unattributed.
   */
  winner: { partnerId: Id; campaignVersionId: Id; clickId: Id } | null;
}

/**
 * Picks the eligible touches of a journey and weighs them under a model.
 *
 * A click is eligible when it is not flagged as a bot, happened at or before the conversion,
 * and is at most `cookieWindowDays` old at the conversion (boundary inclusive; no window for a
 * lifetime `customer` binding, e.g. a subscription renewal credited to the first attribution).
 * Touches are ordered by click time, ties by click id, so the same journey always yields the same result.
 * Touch types: one touch is `only`; otherwise `first`, `middle`..., `last`.
 */
export function attributeJourney(input: AttributeJourneyInput): JourneyAttribution {
  const model = input.model ?? DEFAULT_ATTRIBUTION_MODEL;
  const binding = input.binding ?? 'click_id';
  const confidence = confidenceForBinding(binding);
  const conversionMs = effectiveConversionMs(input);
  const conversionAt = new Date(conversionMs);
  const windowMs = binding === 'customer' ? Infinity : (input.cookieWindowDays ?? DEFAULT_COOKIE_WINDOW_DAYS) * MS_PER_DAY;

  if (Number.isNaN(conversionMs)) throw new RangeError('attributeJourney: invalid conversionAt');

  const excluded: ExcludedClick[] = [];
  const eligible: JourneyClick[] = [];
  // A journey merged from the hot store and Aurora may list a click twice: it counts once.
  const seen = new Set<string>();
  for (const click of input.clicks) {
    if (seen.has(String(click.clickId))) continue;
    seen.add(String(click.clickId));
    if (Number.isNaN(click.clickedAt.getTime())) throw new RangeError(`attributeJourney: invalid clickedAt for ${click.clickId}`);
    const clickedMs = click.clickedAt.getTime();
    if (click.isBot) excluded.push({ clickId: click.clickId, partnerId: click.partnerId, reason: 'bot' });
    else if (clickedMs > conversionMs)
      excluded.push({ clickId: click.clickId, partnerId: click.partnerId, reason: 'after_conversion' });
    else if (conversionMs - clickedMs > windowMs)
      excluded.push({ clickId: click.clickId, partnerId: click.partnerId, reason: 'outside_window' });
    else eligible.push(click);
  }
  eligible.sort(
    (a, b) => a.clickedAt.getTime() - b.clickedAt.getTime() || compareIds(a.clickId, b.clickId),
  );

  const weights = modelWeights(
    model,
    eligible.map((c) => c.clickedAt),
    conversionAt,
    input.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS,
  );
  const bps = eligible.length > 0 ? splitLargestRemainder(10_000n, weights) : [];
  const n = eligible.length;
  const touches: WeightedTouch[] = eligible.map((click, i) => ({
    clickId: click.clickId,
    partnerId: click.partnerId,
    campaignVersionId: click.campaignVersionId,
    clickedAt: click.clickedAt,
    touchType: touchTypeAt(i, n),
    weight: weights[i] ?? 0n,
    weightBp: bps[i] ?? 0n,
  }));

  return { model, confidence, touches, excluded, winner: pickWinner(touches) };
}

/** The conversion's time, moved up to the named click's when that click is within the skew after it. */
function effectiveConversionMs(input: AttributeJourneyInput): number {
  const reported = input.conversionAt.getTime();
  if (input.explicitClickId === undefined || Number.isNaN(reported)) return reported;
  const named = input.clicks.find((c) => String(c.clickId) === String(input.explicitClickId) && !c.isBot);
  const clickedMs = named?.clickedAt.getTime();
  if (clickedMs === undefined || Number.isNaN(clickedMs)) return reported;
  return clickedMs > reported && clickedMs - reported <= EXPLICIT_CLICK_SKEW_MS ? clickedMs : reported;
}

function touchTypeAt(index: number, count: number): TouchType {
  if (count === 1) return 'only';
  if (index === 0) return 'first';
  if (index === count - 1) return 'last';
  return 'middle';
}

function compareIds(a: Id, b: Id): number {
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Largest summed exact weight wins; ties go to the partner with the latest credited touch. */
function pickWinner(touches: readonly WeightedTouch[]): JourneyAttribution['winner'] {
  const byPartner = new Map<string, { weight: bigint; lastIndex: number }>();
  touches.forEach((touch, index) => {
    if (touch.weight === 0n) return;
    const key = String(touch.partnerId);
    const entry = byPartner.get(key) ?? { weight: 0n, lastIndex: index };
    entry.weight += touch.weight;
    entry.lastIndex = index;
    byPartner.set(key, entry);
  });
  let best: { weight: bigint; lastIndex: number } | undefined;
  for (const entry of byPartner.values()) {
    if (!best || entry.weight > best.weight || (entry.weight === best.weight && entry.lastIndex > best.lastIndex)) {
      best = entry;
    }
  }
  if (!best) return null;
  const touch = touches[best.lastIndex];
  if (!touch) return null;
  return { partnerId: touch.partnerId, campaignVersionId: touch.campaignVersionId, clickId: touch.clickId };
}
