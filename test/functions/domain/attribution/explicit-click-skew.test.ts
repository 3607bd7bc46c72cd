import { describe, expect, it } from 'vitest';
import { attributeJourney, EXPLICIT_CLICK_SKEW_MS, type JourneyClick } from '../../../../functions/domain/attribution/index.js';
import { resolveJourney } from '../../../../functions/domain/conversions/index.js';

// Stripe stamps the sale in whole seconds on its clock; our redirect stamped the click in
// milliseconds on ours. A sale naming its click may therefore read as slightly before it.
const clickedAt = new Date('2026-03-01T12:00:00.750Z');
const named: JourneyClick = { clickId: '019a0000-0000-7000-8000-000000000001', partnerId: 1, campaignVersionId: 7, clickedAt };
const before = (ms: number) => new Date(clickedAt.getTime() - ms);

describe('a named click a little after the provider’s timestamp (clock skew)', () => {
  it('the allowance is 5 minutes', () => {
    expect(EXPLICIT_CLICK_SKEW_MS).toBe(300_000);
  });

  it.each([
    ['750 ms (the provider rounded down to the second)', 750, 'attributed'],
    ['exactly 5 minutes (inclusive)', EXPLICIT_CLICK_SKEW_MS, 'attributed'],
    ['5 minutes and 1 ms', EXPLICIT_CLICK_SKEW_MS + 1, 'unattributed'],
  ])('sale stamped %s before the click it names: %s', (_name, gapMs, expected) => {
    const outcome = resolveJourney({
      journey: { binding: 'click_id', clicks: [named] },
      terms: { campaignVersionId: 7, model: 'last_click', halfLifeDays: 7, cookieWindowDays: 30 },
      conversionAt: before(gapMs),
      explicitClickId: named.clickId,
    });
    expect(outcome.kind).toBe(expected);
    if (outcome.kind === 'unattributed') expect(outcome.reason).toBe('no_click_in_window');
  });

  it('only the click the conversion names gets the allowance: a cookie’s later click stays after the conversion', () => {
    const other: JourneyClick = { ...named, clickId: '019a0000-0000-7000-8000-000000000002', partnerId: 2 };
    const withoutName = attributeJourney({ clicks: [named, other], conversionAt: before(1_000) });
    expect(withoutName.winner).toBeNull();
    expect(withoutName.excluded.map((e) => e.reason)).toEqual(['after_conversion', 'after_conversion']);
    const withName = attributeJourney({ clicks: [named], conversionAt: before(1_000), explicitClickId: named.clickId });
    expect(withName.winner).toMatchObject({ partnerId: 1 });
    expect(withName.touches).toHaveLength(1);
  });

  it('a bot click gets no allowance', () => {
    const bot = { ...named, isBot: true };
    const result = attributeJourney({ clicks: [bot], conversionAt: before(1_000), explicitClickId: bot.clickId });
    expect(result.excluded).toEqual([{ clickId: bot.clickId, partnerId: 1, reason: 'bot' }]);
  });

  it('time_decay weighs the named click as at the conversion (age 0), not a negative age', () => {
    const earlier: JourneyClick = { ...named, clickId: 'c0', partnerId: 2, clickedAt: new Date(clickedAt.getTime() - 7 * 86_400_000) };
    const result = attributeJourney({ clicks: [earlier, named], conversionAt: before(2_000), explicitClickId: named.clickId, model: 'time_decay', halfLifeDays: 7 });
    // One half-life older: half the weight of the fresh click -> 1/3 and 2/3.
    expect(result.touches.map((t) => t.weightBp)).toEqual([3333n, 6667n]);
  });
});
