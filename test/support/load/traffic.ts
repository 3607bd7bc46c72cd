/**
 * The traffic of the load test: shoppers on the redirect (new visitors, returning visitors on
 * another partner's link, repeats, bots, HEAD previews) and the vendor on `POST /v1/conversions`
 * (sales naming a click of this run by `aff_click_id` or by cookie, some resubmitted). Every answer
 * is checked as it arrives and booked: the click ids the redirect counted and the receipts the API
 * accepted are what PostgreSQL must hold afterwards, exactly once each.
 */
import { createLatencyRecorder, runClosedLoop, seededRandom, type LatencyRecorder } from './closed-loop.js';

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
];
const BOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'curl/8.4.0',
];

export interface LoadLink {
  shortCode: string;
  campaignPartnerId: number;
  partnerLinkId: number;
}

export type RequestKind = 'redirect' | 'conversion';
type VisitKind = 'new' | 'returning' | 'repeat' | 'bot' | 'head';
type ConversionKind = 'by_click' | 'by_cookie' | 'duplicate';

export interface AcceptedClick {
  link: number;
  cookieId: string;
}

export interface AcceptedConversion {
  receiptId: string;
  valueCents: bigint;
  clickId?: string;
  cookieId?: string;
}

export interface TrafficResult {
  wallMs: number;
  sent: Record<RequestKind, number>;
  byVisit: Record<VisitKind, number>;
  byConversion: Record<ConversionKind, number>;
  latency: Record<RequestKind, LatencyRecorder>;
  serverErrors: Record<RequestKind, number>;
  networkErrors: Record<RequestKind, number>;
  /** The first few unexpected answers (wrong status, missing or changed click id, receipt drift). */
  problems: string[];
  problemCount: number;
  /** Click id -> the click the redirect counted. */
  clicks: Map<string, AcceptedClick>;
  /** Redirect answers that counted nothing (bots, HEAD, repeats). */
  filteredClicks: number;
  /** Transaction id -> the conversion the API accepted. */
  conversions: Map<string, AcceptedConversion>;
}

interface Visitor {
  ip: string;
  ua: string;
  cookieId?: string;
  /** Link index -> the click id the redirect gave on the first visit. */
  clicks: Map<number, string>;
}

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

export interface TrafficOptions {
  baseUrl: string;
  vendorKey: string;
  links: readonly LoadLink[];
  durationMs: number;
  concurrency: number;
  /** Per request; the only way a request ends other than by its answer. */
  requestTimeoutMs: number;
  /** Tags transaction ids so runs on a shared database never collide. */
  runTag: string;
  seed?: number;
  /** The local platform's origin-verify value: the load plays CloudFront (one viewer address per visitor). */
  originVerifySecret: string;
}

/** Decimal string of integer cents (never via floats). */
function formatCents(cents: bigint): string {
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

export async function runTraffic(options: TrafficOptions): Promise<TrafficResult> {
  const next = seededRandom(options.seed ?? 20_260_601);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const result: TrafficResult = {
    wallMs: 0,
    sent: { redirect: 0, conversion: 0 },
    byVisit: { new: 0, returning: 0, repeat: 0, bot: 0, head: 0 },
    byConversion: { by_click: 0, by_cookie: 0, duplicate: 0 },
    latency: { redirect: createLatencyRecorder(), conversion: createLatencyRecorder() },
    serverErrors: { redirect: 0, conversion: 0 },
    networkErrors: { redirect: 0, conversion: 0 },
    problems: [],
    problemCount: 0,
    clicks: new Map(),
    filteredClicks: 0,
    conversions: new Map(),
  };
  const problem = (message: string) => {
    result.problemCount += 1;
    if (result.problems.length < 10) result.problems.push(message);
  };

  // Each worker owns its visitors, so one browser never has two requests in flight.
  const visitorsOf: Visitor[][] = Array.from({ length: options.concurrency }, () => []);
  let visitorCount = 0;
  // Clicks not converted yet; a conversion takes one at random.
  const convertible: string[] = [];
  const acceptedTransactions: string[] = [];
  let transactionCount = 0;

  async function send(kind: RequestKind, url: string, init: RequestInit): Promise<Answer | undefined> {
    result.sent[kind] += 1;
    const started = performance.now();
    try {
      const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(options.requestTimeoutMs) });
      const body = await response.text();
      result.latency[kind].record(performance.now() - started);
      if (response.status >= 500) {
        result.serverErrors[kind] += 1;
        problem(`${kind} ${init.method ?? 'GET'} ${new URL(url).pathname}: ${response.status} ${body.slice(0, 200)}`);
        return undefined;
      }
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      result.networkErrors[kind] += 1;
      problem(`${kind} ${new URL(url).pathname}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      return undefined;
    }
  }

  function newVisitor(worker: number): Visitor {
    const id = visitorCount++;
    // A distinct /24 per visitor: the repeat check hashes the truncated IP with the user agent.
    const visitor: Visitor = { ip: `${10 + (id >> 16)}.${(id >> 8) & 255}.${id & 255}.${1 + (id % 250)}`, ua: pick(BROWSERS), clicks: new Map() };
    visitorsOf[worker]!.push(visitor);
    return visitor;
  }

  async function visit(worker: number): Promise<void> {
    const own = visitorsOf[worker]!;
    const roll = next();
    let kind: VisitKind = roll < 0.5 ? 'new' : roll < 0.65 ? 'returning' : roll < 0.75 ? 'repeat' : roll < 0.9 ? 'bot' : 'head';
    let visitor: Visitor | undefined;
    let link = Math.floor(next() * options.links.length);
    if (kind === 'returning') {
      visitor = own.length > 0 ? pick(own) : undefined;
      const unvisited = options.links.map((_, i) => i).filter((i) => visitor?.cookieId && !visitor.clicks.has(i));
      if (!visitor?.cookieId || unvisited.length === 0) kind = 'new';
      else link = pick(unvisited);
    } else if (kind === 'repeat') {
      visitor = own.length > 0 ? pick(own) : undefined;
      if (!visitor || visitor.clicks.size === 0) kind = 'new';
      else link = pick([...visitor.clicks.keys()]);
    } else if (kind === 'bot' || kind === 'head') {
      visitor = own.length > 0 ? pick(own) : newVisitor(worker);
    }
    if (kind === 'new') visitor = newVisitor(worker);
    const who = visitor!;
    result.byVisit[kind] += 1;

    const headers: Record<string, string> = {
      'user-agent': kind === 'bot' ? pick(BOTS) : who.ua,
      'cloudfront-viewer-address': `${who.ip}:443`,
      'cloudfront-viewer-country': 'NL',
      'x-origin-verify': options.originVerifySecret,
    };
    if (who.cookieId) headers.cookie = `aff_cid=${who.cookieId}`;
    const shortCode = options.links[link]!.shortCode;
    const answer = await send('redirect', `${options.baseUrl}/${shortCode}`, { method: kind === 'head' ? 'HEAD' : 'GET', headers });
    if (!answer) return;
    const location = answer.headers.get('location');
    if (answer.status !== 302 || !location) {
      problem(`${kind} visit to ${shortCode}: ${answer.status}`);
      return;
    }
    const clickId = new URL(location).searchParams.get('aff_click_id');
    const cookieId = /^aff_cid=([^;]+)/.exec(answer.headers.getSetCookie()[0] ?? '')?.[1];
    if (kind === 'bot' || kind === 'head') {
      if (clickId || cookieId) problem(`${kind} visit got a click id or a cookie`);
      result.filteredClicks += 1;
      return;
    }
    if (!clickId || !cookieId) {
      problem(`${kind} visit without a click id or cookie`);
      return;
    }
    if (who.cookieId && cookieId !== who.cookieId) problem(`${kind} visit: the returning browser got a new cookie`);
    who.cookieId = cookieId;
    if (kind === 'repeat') {
      if (who.clicks.get(link) !== clickId) problem('repeat visit did not get the first visit\'s click id');
      result.filteredClicks += 1;
      return;
    }
    if (result.clicks.has(clickId)) {
      problem(`click id ${clickId} handed out twice`);
      return;
    }
    who.clicks.set(link, clickId);
    result.clicks.set(clickId, { link, cookieId });
    convertible.push(clickId);
  }

  async function convert(): Promise<void> {
    let kind: ConversionKind;
    let transactionId: string;
    let body: Record<string, unknown>;
    let fresh: AcceptedConversion | undefined;
    if (acceptedTransactions.length > 0 && next() < 0.08) {
      // A resubmission, byte for byte: same receipt, and still one row at the end.
      kind = 'duplicate';
      transactionId = pick(acceptedTransactions);
      const earlier = result.conversions.get(transactionId)!;
      body = conversionBody(transactionId, earlier);
    } else {
      const index = Math.floor(next() * convertible.length);
      const clickId = convertible[index]!;
      convertible[index] = convertible[convertible.length - 1]!;
      convertible.pop();
      kind = next() < 0.8 ? 'by_click' : 'by_cookie';
      transactionId = `load-${options.runTag}-${(transactionCount += 1)}`;
      const valueCents = 100n + BigInt(Math.floor(next() * 49_900));
      const cookieId = result.clicks.get(clickId)!.cookieId;
      fresh = { receiptId: '', valueCents, ...(kind === 'by_click' ? { clickId } : { cookieId }) };
      body = conversionBody(transactionId, fresh);
    }
    result.byConversion[kind] += 1;
    const answer = await send('conversion', `${options.baseUrl}/v1/conversions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.vendorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!answer) return;
    let receiptId: string | undefined;
    try {
      receiptId = (JSON.parse(answer.body) as { receipt_id?: string }).receipt_id;
    } catch {
      receiptId = undefined;
    }
    if (answer.status !== 202 || !receiptId) {
      problem(`conversion ${transactionId} (${kind}): ${answer.status} ${answer.body.slice(0, 200)}`);
      return;
    }
    if (!fresh) {
      if (result.conversions.get(transactionId)!.receiptId !== receiptId) problem(`resubmitted ${transactionId} got another receipt`);
      return;
    }
    result.conversions.set(transactionId, { ...fresh, receiptId });
    acceptedTransactions.push(transactionId);
  }

  function conversionBody(transactionId: string, c: AcceptedConversion): Record<string, unknown> {
    return {
      event_type: 'sale',
      transaction_id: transactionId,
      event_value: formatCents(c.valueCents),
      currency: 'USD',
      customer_id: `customer-${transactionId}`,
      ...(c.clickId ? { click_id: c.clickId } : { cookie_id: c.cookieId }),
    };
  }

  result.wallMs = await runClosedLoop({
    concurrency: options.concurrency,
    deadline: performance.now() + options.durationMs,
    // About one request in seven is the vendor's (once there is a click to convert): each costs the
    // attribution consumer far more than a click costs ingest-clicks, and a larger share only
    // grows the backlog left to drain after the load.
    step: (worker) => (convertible.length > 0 && next() < 0.15 ? convert() : visit(worker)),
  });
  return result;
}
