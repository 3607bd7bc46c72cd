/**
 * The journey a conversion is attributed on: the hot store's clicks (DynamoDB, read before the
 * transaction so no Aurora lock waits on the network) merged with Aurora's, in order of evidence.
 */
import type { JourneyClick } from '../../domain/attribution/index.js';
import { isBotUserAgent } from '../../domain/clicks/is-bot-user-agent.js';
import type { LoadedJourney, UnattributedReason } from '../../domain/conversions/index.js';
import type { ClickStore, StoredClick } from '../../ports/click-store.js';
import type { ConversionMessage } from '../../ports/conversion-message.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import {
  findAuroraClick,
  findCustomerBinding,
  findJourneyId,
  listAuroraCookieClicks,
  type AuroraClickRow,
  type VersionTermsRow,
} from '../../repositories/conversions/attribution-data.js';

/** The hot store's part of a journey, read before the transaction. */
export interface HotJourney {
  carried?: StoredClick;
  cookieId?: string;
  clicks: StoredClick[];
}

/** The click the shopper carried and its cookie's clicks of this vendor, from DynamoDB (expired items dropped). */
export async function loadHotJourney(
  store: ClickStore,
  message: Pick<ConversionMessage, 'click_id' | 'cookie_id' | 'vendor_id'>,
  now: Date,
): Promise<HotJourney> {
  const carried = message.click_id ? await store.get(message.click_id.toLowerCase(), now) : undefined;
  const cookieId = (carried?.cookie_id ?? message.cookie_id)?.toLowerCase();
  const listed = cookieId ? await store.listByCookie(cookieId, { now, limit: 1000 }) : [];
  const clicks = [...listed];
  if (carried && !clicks.some((c) => c.click_id === carried.click_id)) clicks.push(carried);
  return {
    carried: carried?.vendor_id === message.vendor_id ? carried : undefined,
    cookieId,
    clicks: clicks.filter((c) => c.vendor_id === message.vendor_id),
  };
}

export interface JourneyClickRef {
  auroraClickId: number | null;
  cookieId: string | null;
}

const toJourneyClick = (row: {
  click_uuid: string;
  partner_id: number;
  campaign_version_id: number;
  clicked_at: string;
  user_agent: string | null;
}): JourneyClick => ({
  clickId: row.click_uuid,
  partnerId: row.partner_id,
  campaignVersionId: row.campaign_version_id,
  clickedAt: new Date(row.clicked_at),
  // A recorded click with a crawler's user agent never earns (the redirect should not record
  // them, but clicks also arrive from other paths).
  isBot: row.user_agent !== null && isBotUserAgent(row.user_agent),
});

/**
 * The journey a funnel event belongs to: the cookie of the click the visitor carried, else of the
 * journey's latest click that has one (a customer-bound journey: its first conversion's cookie).
 */
export async function journeyOfEvent(
  tx: SqlExecutor,
  message: ConversionMessage,
  journey: LoadedJourney,
  refs: ReadonlyMap<string, JourneyClickRef>,
): Promise<number | null> {
  const carried = message.click_id ? refs.get(message.click_id.toLowerCase())?.cookieId : undefined;
  const latest = [...journey.clicks]
    .sort((a, b) => a.clickedAt.getTime() - b.clickedAt.getTime())
    .map((click) => refs.get(String(click.clickId))?.cookieId)
    .filter((cookie): cookie is string => typeof cookie === 'string')
    .pop();
  const cookieId = carried ?? latest;
  return cookieId ? findJourneyId(tx, cookieId) : null;
}

export type LoadedJourneyResult =
  | { kind: 'none'; reason: UnattributedReason }
  | {
      kind: 'found';
      journey: LoadedJourney;
      refs: Map<string, JourneyClickRef>;
      /** The terms of the versions of the journey's Aurora clicks, read with them. */
      terms?: Map<number, VersionTermsRow>;
      /** `partner:version` of the Aurora clicks whose enrollments the read locked (with `lockEnrollments`). */
      lockedEnrollments?: Set<string>;
    };

/**
 * The journey, in order of evidence: the carried click's cookie, the cookie id, the customer's
 * first attribution (low confidence; tried first for recurring sales, which bind to it).
 * Aurora's rows (now holding the hot store's clicks) are merged with hot-store clicks Aurora
 * could not take (link unknown to it yet), so no click of the journey is dropped.
 */
export async function loadJourney(
  tx: SqlExecutor,
  message: ConversionMessage,
  hot: HotJourney,
  options: { lockEnrollments?: boolean } = {},
): Promise<LoadedJourneyResult> {
  const inCampaign = (click: { campaign_id: number }) => message.campaign_id === undefined || click.campaign_id === message.campaign_id;
  const byCustomer = async (): Promise<LoadedJourneyResult | undefined> => {
    const bound = await findCustomerBinding(tx, {
      vendorId: message.vendor_id,
      customerId: message.customer_id,
      customerEmail: message.customer_email,
      campaignId: message.campaign_id,
    });
    if (!bound) return undefined;
    const clickId = `customer:${bound.conversion_event_id}`;
    return {
      kind: 'found',
      journey: {
        binding: 'customer',
        clicks: [{ clickId, partnerId: bound.partner_id, campaignVersionId: bound.campaign_version_id, clickedAt: new Date(message.occurred_at) }],
      },
      refs: new Map([[clickId, { auroraClickId: bound.click_id, cookieId: bound.cookie_id }]]),
    };
  };
  if (message.recurring) {
    const bound = await byCustomer();
    if (bound) return bound;
  }
  const carriedAurora = message.click_id && !hot.carried ? await findAuroraClick(tx, message.click_id.toLowerCase()) : undefined;
  const carriedFound = hot.carried !== undefined || (carriedAurora !== undefined && carriedAurora.vendor_id === message.vendor_id);
  const cookieId = hot.cookieId ?? carriedAurora?.cookie_id ?? message.cookie_id?.toLowerCase();
  const rows: AuroraClickRow[] = cookieId ? await listAuroraCookieClicks(tx, cookieId, message.vendor_id, options) : [];
  const lockedEnrollments = new Set(cookieId && options.lockEnrollments ? rows.map((r) => `${r.partner_id}:${r.campaign_version_id}`) : []);
  if (carriedAurora && carriedAurora.vendor_id === message.vendor_id && !rows.some((r) => r.click_uuid === carriedAurora.click_uuid)) {
    rows.push(carriedAurora);
  }
  const refs = new Map<string, JourneyClickRef>();
  const clicks: JourneyClick[] = [];
  for (const row of rows.filter(inCampaign)) {
    refs.set(row.click_uuid, { auroraClickId: row.click_id, cookieId: row.cookie_id });
    clicks.push(toJourneyClick(row));
  }
  for (const click of hot.clicks.filter(inCampaign)) {
    if (refs.has(click.click_id)) continue;
    refs.set(click.click_id, { auroraClickId: null, cookieId: null });
    clicks.push(toJourneyClick({ ...click, click_uuid: click.click_id }));
  }
  if (clicks.length > 0) {
    const terms = new Map(rows.map((row) => [Number(row.campaign_version_id), row.terms]));
    return { kind: 'found', journey: { binding: carriedFound ? 'click_id' : 'cookie', clicks }, refs, terms, lockedEnrollments };
  }
  const bound = message.recurring ? undefined : await byCustomer();
  if (bound) return bound;
  const reason: UnattributedReason = message.click_id
    ? 'click_not_found'
    : message.cookie_id
      ? 'cookie_has_no_clicks'
      : message.customer_id || message.customer_email
        ? 'no_earlier_customer_attribution'
        : 'no_click_or_customer';
  return { kind: 'none', reason };
}
