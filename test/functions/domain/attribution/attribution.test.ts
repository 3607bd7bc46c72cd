// 311 lines: the attribution models' one table-driven spec over the dictionary's journeys, with its properties.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  attributeConversion,
  attributeJourney,
  allocateCommission,
  attributionModels,
  evaluateAllModels,
  integerSqrt,
  twoToMinusRatio,
  WEIGHT_SCALE,
  type AttributionModel,
  type JourneyClick,
} from '../../../../functions/domain/attribution/index.js';

const DAY = 86_400_000;
const conversionAt = new Date('2024-01-15T12:00:00Z');
const daysBefore = (days: number) => new Date(conversionAt.getTime() - days * DAY);
const click = (clickId: string, partnerId: number, days: number, extra: Partial<JourneyClick> = {}): JourneyClick => ({
  clickId,
  partnerId,
  campaignVersionId: 7,
  clickedAt: daysBefore(days),
  ...extra,
});

// The dictionary's journey: Partner A (click 1) -> Partner B (click 2) -> Partner A (click 3) -> conversion.
const A = 123;
const B = 456;
const aba = [click('c1', A, 3), click('c2', B, 2), click('c3', A, 1)];

describe('the dictionary A -> B -> A journey, $10.00 commission', () => {
  it.each<[AttributionModel, bigint[], Record<string, { weight: string; commission: string }>, number]>([
    ['first_click', [1000n, 0n, 0n], { partner_123: { weight: '1.0000', commission: '10.00' } }, A],
    ['last_click', [0n, 0n, 1000n], { partner_123: { weight: '1.0000', commission: '10.00' } }, A],
    // 33.33% each: $3.34 + $3.33 + $3.33; the first touch wins the leftover cent.
    [
      'linear',
      [334n, 333n, 333n],
      { partner_123: { weight: '0.6667', commission: '6.67' }, partner_456: { weight: '0.3333', commission: '3.33' } },
      A,
    ],
    // 2^(-age/7d) relative to the newest click: 0.8203 : 0.9057 : 1 -> 30.09% / 33.22% / 36.68%.
    [
      'time_decay',
      [301n, 332n, 367n],
      { partner_123: { weight: '0.6677', commission: '6.68' }, partner_456: { weight: '0.3323', commission: '3.32' } },
      A,
    ],
    // 40/20/40
    [
      'position_based',
      [400n, 200n, 400n],
      { partner_123: { weight: '0.8000', commission: '8.00' }, partner_456: { weight: '0.2000', commission: '2.00' } },
      A,
    ],
  ])('%s', (model, values, map, winner) => {
    const result = attributeConversion({ clicks: aba, conversionAt, model, cookieWindowDays: 30, commissionCents: 1000n });
    expect(result.touches.map((t) => t.value)).toEqual(values);
    expect(result.touches.map((t) => t.touchType)).toEqual(['first', 'middle', 'last']);
    expect(result.attributionMap).toEqual(map);
    expect(result.winner?.partnerId).toBe(winner);
    expect(result.touches.reduce((s, t) => s + t.weightBp, 0n)).toBe(10_000n);
    expect(result.confidence).toBe('high');
  });

  it('last_click is the default model and credits touch 3', () => {
    const result = attributeConversion({ clicks: aba, conversionAt, cookieWindowDays: 30, commissionCents: 1000n });
    expect(result.model).toBe('last_click');
    expect(result.winner).toEqual({ partnerId: A, campaignVersionId: 7, clickId: 'c3' });
  });

  it('accepts the clicks in any order', () => {
    const shuffled = [aba[2]!, aba[0]!, aba[1]!];
    const result = attributeConversion({ clicks: shuffled, conversionAt, model: 'linear', cookieWindowDays: 30, commissionCents: 1000n });
    expect(result.touches.map((t) => t.clickId)).toEqual(['c1', 'c2', 'c3']);
  });
});

describe('position_based by journey length ($10.00)', () => {
  it.each([
    [1, [1000n], ['only']],
    [2, [500n, 500n], ['first', 'last']],
    [3, [400n, 200n, 400n], ['first', 'middle', 'last']],
    [4, [400n, 100n, 100n, 400n], ['first', 'middle', 'middle', 'last']],
    [5, [400n, 67n, 67n, 66n, 400n], ['first', 'middle', 'middle', 'middle', 'last']], // 20% / 3 = $0.666..
  ])('%i touches', (n, values, types) => {
    const clicks = Array.from({ length: n }, (_, i) => click(`c${i}`, i + 1, n - i));
    const result = attributeConversion({ clicks, conversionAt, model: 'position_based', cookieWindowDays: 30, commissionCents: 1000n });
    expect(result.touches.map((t) => t.value)).toEqual(values);
    expect(result.touches.map((t) => t.touchType)).toEqual(types);
  });
});

describe('time_decay', () => {
  it('halves the weight per half-life: a click 7 days older than the last gets a third at a 7-day half-life', () => {
    // weights 0.5 : 1 -> $3.33 / $6.67 ($10.00)
    const result = attributeConversion({
      clicks: [click('old', 1, 8), click('new', 2, 1)],
      conversionAt,
      model: 'time_decay',
      cookieWindowDays: 30,
      commissionCents: 1000n,
    });
    expect(result.touches.map((t) => t.value)).toEqual([333n, 667n]);
    expect(result.touches[0]!.weight * 2n).toBe(result.touches[1]!.weight);
  });

  it('uses the configured half-life', () => {
    // half-life 1 day, 2 days apart: 0.25 : 1 -> $2.00 / $8.00
    const result = attributeConversion({
      clicks: [click('old', 1, 3), click('new', 2, 1)],
      conversionAt,
      model: 'time_decay',
      halfLifeDays: 1,
      cookieWindowDays: 30,
      commissionCents: 1000n,
    });
    expect(result.touches.map((t) => t.value)).toEqual([200n, 800n]);
  });

  it('rejects a non-positive half-life', () => {
    expect(() =>
      attributeJourney({ clicks: aba, conversionAt, model: 'time_decay', halfLifeDays: 0, cookieWindowDays: 30 }),
    ).toThrow(RangeError);
  });

  it('evaluates 2^-x in fixed point to ~1e-19', () => {
    // 2^(-1/2) = 0.70710678118654752440084436210484903928...
    const half = twoToMinusRatio(1n, 2n);
    expect(half / 10n ** 11n).toBe(7071067811865475244n);
    // 2^(-1/3) = 0.79370052598409973737585281963615413...
    expect(twoToMinusRatio(1n, 3n) / 10n ** 11n).toBe(7937005259840997373n);
    expect(twoToMinusRatio(0n, 5n)).toBe(WEIGHT_SCALE);
    expect(twoToMinusRatio(3n, 1n)).toBe(WEIGHT_SCALE / 8n);
    expect(twoToMinusRatio(1000n, 1n)).toBe(0n);
    expect(integerSqrt(10n ** 20n)).toBe(10n ** 10n);
    expect(integerSqrt(99n)).toBe(9n);
  });
});

describe('eligibility', () => {
  it.each([
    ['a bot click', [click('bot', 1, 1, { isBot: true }), click('ok', 2, 2)], ['ok'], [['bot', 'bot']]],
    ['a click after the conversion', [click('late', 1, -0.001), click('ok', 2, 2)], ['ok'], [['late', 'after_conversion']]],
    ['a click outside the 30-day window', [click('old', 1, 30.001), click('ok', 2, 2)], ['ok'], [['old', 'outside_window']]],
    ['a click exactly at the window edge (kept)', [click('edge', 1, 30), click('ok', 2, 2)], ['edge', 'ok'], []],
    ['a click at the conversion instant (kept)', [click('now', 1, 0)], ['now'], []],
  ])('excludes %s', (_label, clicks, kept, excluded) => {
    const result = attributeJourney({ clicks, conversionAt, model: 'linear', cookieWindowDays: 30 });
    expect(result.touches.map((t) => t.clickId)).toEqual(kept);
    expect(result.excluded.map((e) => [e.clickId, e.reason])).toEqual(excluded);
  });

  it('a click listed twice (hot store + Aurora) counts once', () => {
    const result = attributeConversion({ clicks: [...aba, aba[1]!], conversionAt, model: 'linear', commissionCents: 1000n });
    expect(result.touches.map((t) => t.value)).toEqual([334n, 333n, 333n]);
  });

  it('refuses invalid dates rather than crediting everything', () => {
    expect(() => attributeJourney({ clicks: aba, conversionAt: new Date('nope') })).toThrow(RangeError);
    expect(() => attributeJourney({ clicks: [click('x', 1, Number.NaN)], conversionAt })).toThrow(RangeError);
  });

  it('defaults to the dictionary 30-day window', () => {
    const result = attributeJourney({ clicks: [click('in', 1, 30), click('out', 2, 31)], conversionAt });
    expect(result.touches.map((t) => t.clickId)).toEqual(['in']);
  });

  it('a lifetime customer binding (renewal) ignores the cookie window, at low confidence', () => {
    const result = attributeJourney({ clicks: [click('first-sale', 1, 400)], conversionAt, cookieWindowDays: 30, binding: 'customer' });
    expect(result.touches.map((t) => [t.clickId, t.touchType])).toEqual([['first-sale', 'only']]);
    expect(result.confidence).toBe('low');
  });

  it('a journey of only bot clicks is unattributed, with the reason, and nothing is allocated', () => {
    const result = attributeConversion({
      clicks: [click('bot', 1, 1, { isBot: true })],
      conversionAt,
      cookieWindowDays: 30,
      commissionCents: 1000n,
    });
    expect(result.winner).toBeNull();
    expect(result.touches).toEqual([]);
    expect(result.partners).toEqual([]);
    expect(result.attributionMap).toEqual({});
    expect(result.excluded).toEqual([{ clickId: 'bot', partnerId: 1, reason: 'bot' }]);
  });
});

describe('winner', () => {
  it('ties go to the partner with the latest touch', () => {
    const result = attributeJourney({ clicks: [click('a', A, 2), click('b', B, 1)], conversionAt, model: 'linear', cookieWindowDays: 30 });
    expect(result.winner?.partnerId).toBe(B);
    const swapped = attributeJourney({ clicks: [click('b', B, 2), click('a', A, 1)], conversionAt, model: 'linear', cookieWindowDays: 30 });
    expect(swapped.winner?.partnerId).toBe(A);
  });

  it('the largest share wins even when it is not the latest touch', () => {
    const result = attributeJourney({
      clicks: [click('a1', A, 3), click('a2', A, 2), click('b', B, 1)],
      conversionAt,
      model: 'linear',
      cookieWindowDays: 30,
    });
    expect(result.winner).toEqual({ partnerId: A, campaignVersionId: 7, clickId: 'a2' });
  });
});

describe('confidence', () => {
  it.each([
    ['click_id', 'high'],
    ['cookie', 'medium'],
    ['customer', 'low'],
  ] as const)('%s -> %s', (binding, confidence) => {
    expect(attributeJourney({ clicks: aba, conversionAt, cookieWindowDays: 30, binding }).confidence).toBe(confidence);
  });
});

describe('allocateCommission', () => {
  it('splits a negative amount (a reversal) as the mirror of the sale', () => {
    const journey = attributeJourney({ clicks: aba, conversionAt, model: 'linear', cookieWindowDays: 30 });
    expect(allocateCommission(journey, -1000n).touches.map((t) => t.value)).toEqual([-334n, -333n, -333n]);
    expect(allocateCommission(journey, -1000n).attributionMap.partner_456).toEqual({ weight: '0.3333', commission: '-3.33' });
  });
});

describe('evaluateAllModels', () => {
  it('reports what each partner would earn under each model ($9.90)', () => {
    const all = evaluateAllModels({ clicks: aba, conversionAt, cookieWindowDays: 30, commissionCents: 990n });
    const earnings = Object.fromEntries(
      Object.entries(all).map(([model, r]) => [model, r.partners.map((p) => [p.partnerId, p.commissionCents])]),
    );
    expect(earnings).toEqual({
      first_click: [[A, 990n]],
      last_click: [[A, 990n]],
      linear: [[A, 660n], [B, 330n]],
      time_decay: [[A, 661n], [B, 329n]],
      position_based: [[A, 792n], [B, 198n]],
    });
  });
});

describe('properties', () => {
  const journeyArb = fc.array(
    fc.record({
      partnerId: fc.integer({ min: 1, max: 4 }),
      ageMs: fc.integer({ min: -DAY, max: 40 * DAY }),
      isBot: fc.boolean(),
    }),
    { minLength: 0, maxLength: 12 },
  );

  it('touch values always sum exactly to the commission, under every model', () => {
    fc.assert(
      fc.property(
        journeyArb,
        fc.bigInt({ min: -(10n ** 10n), max: 10n ** 10n }),
        fc.constantFrom(...attributionModels),
        fc.integer({ min: 1, max: 60 }),
        (journey, commissionCents, model, halfLifeDays) => {
          const clicks = journey.map((j, i) => ({
            clickId: `c${i}`,
            partnerId: j.partnerId,
            campaignVersionId: 1,
            clickedAt: new Date(conversionAt.getTime() - j.ageMs),
            isBot: j.isBot,
          }));
          const result = attributeConversion({ clicks, conversionAt, model, halfLifeDays, cookieWindowDays: 30, commissionCents });
          if (result.touches.length === 0) {
            expect(result.winner).toBeNull();
            return;
          }
          expect(result.touches.reduce((s, t) => s + t.value, 0n)).toBe(commissionCents);
          expect(result.partners.reduce((s, p) => s + p.commissionCents, 0n)).toBe(commissionCents);
          expect(result.touches.reduce((s, t) => s + t.weightBp, 0n)).toBe(10_000n);
          expect(result.touches.length + result.excluded.length).toBe(clicks.length);
          expect(result.winner?.partnerId).toBe(result.partners[0]?.partnerId);
        },
      ),
    );
  });

  it('time_decay never gives an older click more weight than a newer one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 * DAY }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 30 }),
        (ages, halfLifeDays) => {
          const clicks = ages.map((age, i) => ({ clickId: `c${String(i).padStart(2, '0')}`, partnerId: i, campaignVersionId: 1, clickedAt: new Date(conversionAt.getTime() - age) }));
          const { touches } = attributeJourney({ clicks, conversionAt, model: 'time_decay', halfLifeDays });
          for (let i = 1; i < touches.length; i += 1) expect(touches[i - 1]!.weight <= touches[i]!.weight).toBe(true);
          expect(touches[touches.length - 1]!.weight).toBe(WEIGHT_SCALE);
        },
      ),
    );
  });

  it('position_based gives first and last exactly 40 % each from three touches on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 40 }), (n) => {
        const clicks = Array.from({ length: n }, (_, i) => click(`c${String(i).padStart(2, '0')}`, i, n - i));
        const { touches } = attributeJourney({ clicks, conversionAt, model: 'position_based', cookieWindowDays: 60 });
        const total = touches.reduce((s, t) => s + t.weight, 0n);
        expect(touches[0]!.weight * 10n).toBe(total * 4n);
        expect(touches[n - 1]!.weight * 10n).toBe(total * 4n);
      }),
    );
  });
});
