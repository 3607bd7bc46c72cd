/**
 * The demo's shopper traffic, planned up front so the report can say what was fired and what the
 * platform should have counted. Pure: the same plan every run (only the links differ).
 *
 * The platform's rules (functions/handlers/redirect.ts) that the expectations mirror: a HEAD
 * request is a link preview and a known bot user agent is a crawler, both redirected but never
 * counted; a visitor (same IP and user agent) clicking the same link again inside the repeat
 * window is redirected with its first click id and not counted again. Every request of the demo
 * comes from 127.0.0.1, so the user agent is what tells one shopper from another.
 */

export type ClickOutcome = 'counted' | 'bot' | 'head' | 'repeat';

export interface PlannedStep {
  /** Index of the partner link (0, 1, 2). */
  link: number;
  method: 'GET' | 'HEAD';
}

export interface PlannedVisitor {
  /** `shopper-17`, `bot-3`, `preview-2`, or a buyer's name (`stripe-journey`, ...). */
  name: string;
  kind: 'shopper' | 'bot' | 'preview';
  userAgent: string;
  /** Sent in order, each with the `aff_cid` cookie the previous answers set. */
  steps: PlannedStep[];
}

/** Shoppers who buy later; each converts on the click of its LAST step. */
export const buyerNames = ['stripe-journey', 'stripe-big', 'stripe-refunded', 'shopify-journey', 'shopify-big', 'api-sale'] as const;
export type BuyerName = (typeof buyerNames)[number];

export interface TrafficExpectation {
  fired: number;
  counted: number;
  bots: number;
  head: number;
  repeats: number;
  /** Counted clicks per link index. */
  countedPerLink: number[];
}

export interface TrafficPlan {
  visitors: PlannedVisitor[];
  expected: TrafficExpectation;
}

export interface PlanDemoTrafficOptions {
  /** Ordinary shoppers per link (default 84, 56, 36). */
  shoppersPerLink?: readonly number[];
  /** Crawler and preview requests (default 40). */
  bots?: number;
  /** HEAD requests from link checkers (default 15). */
  heads?: number;
}

const browserTemplates: readonly ((n: number) => string)[] = [
  (n) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.${n} Safari/537.36`,
  (n) => `Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.${n} Safari/605.1.15`,
  (n) => `Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.${n}`,
  (n) => `Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.${n} Mobile/15E148 Safari/604.1`,
];

/** Crawlers, chat previews and HTTP libraries that fetch shared links. */
export const botUserAgents: readonly string[] = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'WhatsApp/2.23.20.0',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
];

/** A distinct, ordinary browser user agent for shopper number `n`. */
export function shopperUserAgent(n: number): string {
  return browserTemplates[n % browserTemplates.length]!(n);
}

/** What the platform should make of each step of `visitor`, in order. */
export function expectedOutcomes(visitor: PlannedVisitor): ClickOutcome[] {
  const seen = new Set<number>();
  return visitor.steps.map((step) => {
    if (step.method === 'HEAD') return 'head';
    if (visitor.kind === 'bot') return 'bot';
    if (seen.has(step.link)) return 'repeat';
    seen.add(step.link);
    return 'counted';
  });
}

/** Sums the expected outcomes over `visitors`. */
export function summariseTraffic(visitors: readonly PlannedVisitor[], links: number): TrafficExpectation {
  const expected: TrafficExpectation = { fired: 0, counted: 0, bots: 0, head: 0, repeats: 0, countedPerLink: Array.from({ length: links }, () => 0) };
  for (const visitor of visitors) {
    expectedOutcomes(visitor).forEach((outcome, i) => {
      expected.fired += 1;
      if (outcome === 'counted') {
        expected.counted += 1;
        expected.countedPerLink[visitor.steps[i]!.link]! += 1;
      } else if (outcome === 'bot') expected.bots += 1;
      else if (outcome === 'head') expected.head += 1;
      else expected.repeats += 1;
    });
  }
  return expected;
}

/**
 * The plan: buyers (whose journeys the sales name), ordinary shoppers (every 4th clicks its link
 * twice, every 10th once more), crawlers spread over the links, and HEAD link checks.
 */
export function planDemoTraffic(options: PlanDemoTrafficOptions = {}): TrafficPlan {
  const shoppersPerLink = options.shoppersPerLink ?? [84, 56, 36];
  const links = shoppersPerLink.length;
  if (links < 3) throw new RangeError('the demo needs three links');
  const visitors: PlannedVisitor[] = [];
  let n = 0;
  const get = (link: number): PlannedStep => ({ link, method: 'GET' });

  // Journeys across partners: the cookie from the first click follows the shopper to the second link.
  const buyerSteps: Record<BuyerName, PlannedStep[]> = {
    'stripe-journey': [get(0), get(1)],
    'stripe-big': [get(0)],
    'stripe-refunded': [get(2)],
    'shopify-journey': [get(2), get(1)],
    'shopify-big': [get(0)],
    'api-sale': [get(0)],
  };
  for (const name of buyerNames) visitors.push({ name, kind: 'shopper', userAgent: shopperUserAgent(n++), steps: buyerSteps[name] });

  let shopper = 0;
  for (let link = 0; link < links; link++) {
    for (let i = 0; i < shoppersPerLink[link]!; i++, shopper++) {
      const steps = [get(link)];
      if (shopper % 4 === 0) steps.push(get(link));
      if (shopper % 10 === 0) steps.push(get(link));
      visitors.push({ name: `shopper-${shopper}`, kind: 'shopper', userAgent: shopperUserAgent(n++), steps });
    }
  }
  const bots = options.bots ?? 40;
  for (let i = 0; i < bots; i++) {
    visitors.push({ name: `bot-${i}`, kind: 'bot', userAgent: botUserAgents[i % botUserAgents.length]!, steps: [get(i % links)] });
  }
  const heads = options.heads ?? 15;
  for (let i = 0; i < heads; i++) {
    visitors.push({ name: `preview-${i}`, kind: 'preview', userAgent: shopperUserAgent(n++), steps: [{ link: i % links, method: 'HEAD' }] });
  }
  return { visitors, expected: summariseTraffic(visitors, links) };
}
