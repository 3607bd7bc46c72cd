/**
 * The merchant-side tracking script: keeps the `aff_click_id` the redirect put on the landing URL
 * in a first-party cookie on the shop's own domain, hands it to the checkout (Stripe Payment
 * Links, forms, Shopify cart attributes) and reports funnel events to the platform's beacon.
 *
 * Runs in the shop's page; bundled by build-tracking-script.ts (IIFE and ES module). No
 * dependencies and no third-party cookie: the only cookie is written by this code on the page's
 * own host (no Domain attribute), so Safari's and Firefox's third-party cookie blocking does not
 * apply to it.
 */
// The names the redirect writes onto the landing URL, shared with it (constants only reach the bundle).
import { CLICK_ID_PARAM, COOKIE_WINDOW_PARAM } from '../../domain/links/build-destination-url.js';
import { page, type PageElement } from './browser-globals.js';

export { CLICK_ID_PARAM, COOKIE_WINDOW_PARAM };
export const COOKIE_NAME = 'aff_click_id';
export const DEFAULT_COOKIE_WINDOW_DAYS = 30;
/** The funnel beacon on the platform's short-link domain (POST, text/plain JSON, as sendBeacon sends it). */
export const BEACON_PATH = '/e';

const DAY_SECONDS = 86_400;
const MAX_COOKIE_WINDOW_DAYS = 3_650;
// The redirect mints UUIDs; anything else on the URL is ignored, so a crafted link cannot write
// arbitrary bytes into the cookie or into Stripe's client_reference_id (alphanumerics and dashes).
const CLICK_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STRIPE_PAYMENT_LINKS = 'a[href^="https://buy.stripe.com/"]';

export interface AffiliateOptions {
  /** Origin of the platform (the short-link domain) that serves the beacon. */
  endpointOrigin: string;
  /** True: store and send nothing until `consent(true)`. */
  consentRequired: boolean;
  /** Send a `page_view` once the click id is known (default on). */
  autoPageView: boolean;
}

export interface Affiliate {
  /** The shopper's current click id (latest click), or null when none or without consent. */
  clickId(): string | null;
  /** Sends a funnel event (page_view, add_to_cart, ...) with the click id; false if nothing was sent. */
  track(type: string, data?: Record<string, unknown>): boolean;
  /** false: forget the click id and store nothing; true: store it and start. */
  consent(granted: boolean): void;
  /** Adds the click id to Stripe Payment Links and marked forms (run again after the page adds some). */
  decorate(): void;
  /** Writes the click id to the Shopify cart (`attributes[aff_click_id]`), which Shopify copies to the order's note_attributes. */
  shopifyCart(): Promise<unknown> | undefined;
}

function readCookie(name: string): string | null {
  for (const part of page.document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

function writeCookie(value: string, maxAgeSeconds: number): void {
  const secure = page.location.protocol === 'https:' ? '; Secure' : '';
  page.document.cookie = `${COOKIE_NAME}=${encodeURIComponent(value)}; Max-Age=${maxAgeSeconds}; Path=/; SameSite=Lax${secure}`;
}

/** The days in `aff_cw` when it is a whole number in range, else the default window. */
function cookieWindowDays(raw: string | null): number {
  const days = Number(raw);
  return raw !== null && Number.isInteger(days) && days > 0 && days <= MAX_COOKIE_WINDOW_DAYS ? days : DEFAULT_COOKIE_WINDOW_DAYS;
}

export function createAffiliate(options: AffiliateOptions): Affiliate {
  const landing = new URL(page.location.href).searchParams;
  const fromUrl = landing.get(CLICK_ID_PARAM);
  // Only a click id that arrived on this page's URL is written; a newer click replaces the stored one.
  const arrived = fromUrl && CLICK_ID_PATTERN.test(fromUrl) ? fromUrl : null;
  let allowed = !options.consentRequired;
  let started = false;

  const clickId = (): string | null => {
    if (!allowed) return null;
    const stored = readCookie(COOKIE_NAME);
    return arrived ?? (stored && CLICK_ID_PATTERN.test(stored) ? stored : null);
  };

  const track = (type: string, data?: Record<string, unknown>): boolean => {
    const id = clickId();
    if (!id) return false;
    const url = options.endpointOrigin + BEACON_PATH;
    // The beacon's fields (functions/handlers/beacon.ts); `data` may add `value` and `currency`
    // (decimal string, ISO 4217). The page's path only: its query may carry personal data.
    const body = JSON.stringify({ ...data, event: type, aff_click_id: id, page: page.location.pathname });
    // sendBeacon survives the page unloading (a click on "buy" that navigates away) and sends
    // text/plain, a CORS-simple request: no preflight to the platform.
    if (page.navigator.sendBeacon?.(url, body)) return true;
    page.fetch(url, { method: 'POST', body, keepalive: true, mode: 'no-cors', headers: { 'content-type': 'text/plain' } }).catch(() => undefined);
    return true;
  };

  const decorate = (): void => {
    const id = clickId();
    if (!id) return;
    const links = page.document.querySelectorAll(STRIPE_PAYMENT_LINKS);
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      const href = new URL(link.getAttribute('href')!);
      href.searchParams.set('client_reference_id', id);
      link.setAttribute('href', href.toString());
    }
    const forms = page.document.querySelectorAll('form[data-aff-click-id]');
    for (let i = 0; i < forms.length; i++) {
      const form = forms[i]!;
      const name = form.getAttribute('data-aff-click-id') || CLICK_ID_PARAM;
      let input: PageElement | null = form.querySelector(`input[name="${name}"]`);
      if (!input) {
        input = page.document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        form.appendChild(input);
      }
      input.value = id;
    }
  };

  const shopifyCart = (): Promise<unknown> | undefined => {
    const id = clickId();
    if (!id) return undefined;
    // Shopify's Ajax cart API: form-encoded cart attributes become the order's note_attributes.
    const body = `attributes%5B${CLICK_ID_PARAM}%5D=${encodeURIComponent(id)}`;
    return page
      .fetch('/cart/update.js', { method: 'POST', body, credentials: 'same-origin', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      .catch(() => undefined);
  };

  const start = (): void => {
    if (started || !allowed) return;
    started = true;
    if (arrived) writeCookie(arrived, cookieWindowDays(landing.get(COOKIE_WINDOW_PARAM)) * DAY_SECONDS);
    if (page.Shopify) void shopifyCart();
    if (options.autoPageView) track('page_view');
    if (page.document.readyState === 'loading') page.document.addEventListener('DOMContentLoaded', decorate);
    else decorate();
  };

  const consent = (granted: boolean): void => {
    allowed = granted;
    if (granted) return start();
    started = false;
    if (readCookie(COOKIE_NAME) !== null) writeCookie('', 0);
  };

  start();
  return { clickId, track, consent, decorate, shopifyCart };
}
