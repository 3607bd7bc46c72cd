import { describe, expect, it } from 'vitest';
import { isBotUserAgent } from '../../../functions/domain/clicks/is-bot-user-agent.js';
import { buyerNames, expectedOutcomes, planDemoTraffic, summariseTraffic, type PlannedVisitor } from '../../../lib/demo/plan-demo-traffic.js';

describe('planDemoTraffic', () => {
  const plan = planDemoTraffic();

  it('fires a few hundred requests with the counts the report expects', () => {
    expect(plan.expected).toEqual({ fired: 301, counted: 184, bots: 40, head: 15, repeats: 62, countedPerLink: [88, 58, 38] });
  });

  it('gives every shopper and previewer its own browser user agent, and every bot a known bot agent', () => {
    const people = plan.visitors.filter((v) => v.kind !== 'bot');
    expect(new Set(people.map((v) => v.userAgent)).size).toBe(people.length);
    expect(people.filter((v) => isBotUserAgent(v.userAgent))).toEqual([]);
    expect(plan.visitors.filter((v) => v.kind === 'bot' && !isBotUserAgent(v.userAgent))).toEqual([]);
  });

  it('has one visitor per buyer, converting on a counted click of its last step', () => {
    for (const name of buyerNames) {
      const buyer = plan.visitors.find((v) => v.name === name)!;
      expect(expectedOutcomes(buyer).at(-1)).toBe('counted');
    }
    // The two journeys cross partners: the second click is on another link.
    expect(plan.visitors.find((v) => v.name === 'stripe-journey')!.steps.map((s) => s.link)).toEqual([0, 1]);
    expect(plan.visitors.find((v) => v.name === 'shopify-journey')!.steps.map((s) => s.link)).toEqual([2, 1]);
  });

  it('scales with its options', () => {
    expect(planDemoTraffic({ shoppersPerLink: [1, 1, 1], bots: 2, heads: 1 }).expected).toEqual({
      // 8 buyer clicks, 5 shopper requests (shopper 0 clicks three times), 2 bots, 1 HEAD.
      fired: 8 + 5 + 2 + 1,
      counted: 8 + 3,
      bots: 2,
      head: 1,
      // shopper 0 repeats twice (every 4th and every 10th).
      repeats: 2,
      countedPerLink: [4 + 1, 2 + 1, 2 + 1],
    });
    expect(() => planDemoTraffic({ shoppersPerLink: [1, 1] })).toThrow(RangeError);
  });
});

describe('expectedOutcomes', () => {
  const shopper = (steps: PlannedVisitor['steps']): PlannedVisitor => ({ name: 's', kind: 'shopper', userAgent: 'Mozilla/5.0', steps });

  it('counts a first click per link, then repeats; HEAD and bots never count', () => {
    expect(
      expectedOutcomes(
        shopper([
          { link: 0, method: 'GET' },
          { link: 0, method: 'HEAD' },
          { link: 1, method: 'GET' },
          { link: 0, method: 'GET' },
        ]),
      ),
    ).toEqual(['counted', 'head', 'counted', 'repeat']);
    expect(expectedOutcomes({ ...shopper([{ link: 0, method: 'GET' }]), kind: 'bot' })).toEqual(['bot']);
    // A HEAD first does not make the next GET a repeat: previews leave no visit marker.
    expect(expectedOutcomes(shopper([{ link: 2, method: 'HEAD' }, { link: 2, method: 'GET' }]))).toEqual(['head', 'counted']);
  });

  it('summariseTraffic adds them up per link', () => {
    expect(summariseTraffic([shopper([{ link: 1, method: 'GET' }, { link: 1, method: 'GET' }])], 2)).toEqual({
      fired: 2,
      counted: 1,
      bots: 0,
      head: 0,
      repeats: 1,
      countedPerLink: [0, 1],
    });
  });
});
