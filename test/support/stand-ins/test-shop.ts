/**
 * A small shop for the browser tests: node:http on 127.0.0.1, reached by the browser as
 * `localhost` (another host than the platform's 127.0.0.1, so a cookie it holds is first-party to
 * the shop and invisible to the platform). Pages load the platform's `/js/track*.js`; the shop's
 * server does what a real shop's does at checkout: it reads the click id the script kept (the
 * `aff_click_id` cookie on the shop's origin) and reports the sale to the platform with a signed
 * Stripe `checkout.session.completed` or a signed Shopify `orders/paid` whose `note_attributes`
 * are the cart attributes the script wrote through `/cart/update.js`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface ShopIntegrations {
  platformUrl: string;
  stripe: { integrationId: number; secret: string };
  shopify: { integrationId: number; secret: string; shopDomain: string };
}

export interface ShopCheckout {
  provider: 'stripe' | 'shopify';
  /** The click id the shop's server read from its own cookie (null when there was none). */
  cookieClickId: string | null;
  /** The hidden input the script added to the checkout form. */
  formClickId: string | null;
  /** What the shop told the provider's webhook carried (client_reference_id or note_attributes). */
  sentClickId: string | null;
  transactionId: string;
  webhookStatus: number;
  webhookBody: string;
}

export interface TestShop {
  /** `http://localhost:<port>` */
  url: string;
  checkouts: ShopCheckout[];
  /** Cart attributes by cart token, as /cart/update.js stored them. */
  carts: Map<string, Record<string, string>>;
  close(): Promise<void>;
}

const sample = (path: string) => readFileSync(new URL(`../../../events/${path}`, import.meta.url), 'utf8');

function cookiesOf(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name) out[name] = decodeURIComponent(rest.join('='));
  }
  return out;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function page(title: string, head: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body><h1>${title}</h1>${body}</body></html>`;
}

export async function startTestShop(input: { integrations: ShopIntegrations; scriptIntegrity: string; scriptVersion: number }): Promise<TestShop> {
  const { integrations } = input;
  const platform = integrations.platformUrl;
  const stripe = new Stripe('sk_test_browser_shop');
  const checkouts: ShopCheckout[] = [];
  const carts = new Map<string, Record<string, string>>();

  // The pinned, immutable file with its integrity hash (the browser refuses it if the hash is
  // wrong) on landing pages; the unversioned file on the others.
  const pinned = `<script src="${platform}/js/track.v${input.scriptVersion}.js" integrity="${input.scriptIntegrity}" crossorigin="anonymous"></script>`;
  const latest = (attributes = '') => `<script src="${platform}/js/track.js"${attributes}></script>`;
  const shopifyFlag = (request: IncomingMessage) =>
    cookiesOf(request).shop_mode === 'shopify' ? `<script>window.Shopify = { shop: ${JSON.stringify(integrations.shopify.shopDomain)} };</script>` : '';

  async function reportSale(provider: 'stripe' | 'shopify', request: IncomingMessage, form: URLSearchParams): Promise<ShopCheckout> {
    const cookies = cookiesOf(request);
    const cookieClickId = cookies.aff_click_id ?? null;
    const transactionId = randomUUID();
    let sentClickId: string | null;
    let response: Response;
    if (provider === 'stripe') {
      const event = JSON.parse(sample('stripe/checkout.session.completed.json')) as { id: string; created: number; data: { object: Record<string, unknown> } };
      event.id = `evt_${transactionId.replace(/-/g, '')}`;
      event.created = Math.floor(Date.now() / 1000);
      const session = event.data.object;
      session.id = `cs_test_${transactionId.replace(/-/g, '')}`;
      session.payment_intent = `pi_${transactionId.replace(/-/g, '')}`;
      session.created = event.created;
      // The click id travels only as client_reference_id, as the guide tells a shop to do.
      session.client_reference_id = cookieClickId;
      session.metadata = { order_number: transactionId };
      sentClickId = cookieClickId;
      const payload = JSON.stringify(event);
      const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: integrations.stripe.secret });
      response = await fetch(`${platform}/webhooks/stripe/${integrations.stripe.integrationId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
      });
    } else {
      const order = JSON.parse(sample('shopify/orders-paid.json')) as Record<string, unknown>;
      const cart = carts.get(cookies.cart ?? '') ?? {};
      order.id = Number(BigInt(`0x${transactionId.replace(/-/g, '').slice(0, 12)}`));
      order.admin_graphql_api_id = `gid://shopify/Order/${String(order.id)}`;
      order.name = `#T${String(order.id).slice(-6)}`;
      order.created_at = new Date().toISOString();
      order.processed_at = order.created_at;
      // Shopify copies the cart's attributes into the order's note_attributes; the landing URL is
      // dropped so the cart attribute is the only place the click id can come from.
      order.note_attributes = Object.entries(cart).map(([name, value]) => ({ name, value }));
      delete order.landing_site;
      delete order.landing_site_ref;
      sentClickId = cart.aff_click_id ?? null;
      const payload = JSON.stringify(order);
      response = await fetch(`${platform}/webhooks/shopify/${integrations.shopify.integrationId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/paid',
          'x-shopify-hmac-sha256': createHmac('sha256', integrations.shopify.secret).update(payload, 'utf8').digest('base64'),
          'x-shopify-webhook-id': randomUUID(),
          'x-shopify-shop-domain': integrations.shopify.shopDomain,
        },
        body: payload,
      });
    }
    const checkout: ShopCheckout = {
      provider,
      cookieClickId,
      formClickId: form.get('aff_click_id'),
      sentClickId,
      transactionId,
      webhookStatus: response.status,
      webhookBody: await response.text(),
    };
    checkouts.push(checkout);
    return checkout;
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const html = (status: number, text: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      response.end(text);
    };
    if (request.method === 'GET' && url.pathname === '/landing') {
      return html(200, page('Trail runners', shopifyFlag(request) + pinned, '<a id="to-product" href="/product">See the shoe</a>'));
    }
    if (request.method === 'GET' && url.pathname === '/product') {
      return html(
        200,
        page(
          'Trail runner X',
          shopifyFlag(request) + latest(),
          '<a id="pay-link" href="https://buy.stripe.com/test_8wM9Cy?prefilled_email=a%40b.example">Pay with a Payment Link</a>' +
            '<form id="checkout" method="post" action="/checkout" data-aff-click-id><button id="buy" type="submit">Buy</button></form>',
        ),
      );
    }
    // A landing page whose cookie banner has not answered yet.
    if (request.method === 'GET' && url.pathname === '/consent') {
      return html(200, page('Consent first', latest(' data-consent="required"'), '<p>Cookie banner</p>'));
    }
    if (request.method === 'POST' && url.pathname === '/cart/update.js') {
      // Shopify's Ajax cart API: `attributes[name]=value` form fields merge into the cart's attributes.
      const token = cookiesOf(request).cart ?? randomUUID();
      const cart = carts.get(token) ?? {};
      for (const [key, value] of new URLSearchParams(await bodyOf(request))) {
        const name = /^attributes\[(.+)\]$/.exec(key)?.[1];
        if (name) cart[name] = value;
      }
      carts.set(token, cart);
      response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `cart=${token}; Path=/; SameSite=Lax` });
      response.end(JSON.stringify({ token, attributes: cart }));
      return;
    }
    if (request.method === 'POST' && url.pathname === '/checkout') {
      const form = new URLSearchParams(await bodyOf(request));
      const provider = cookiesOf(request).shop_mode === 'shopify' ? 'shopify' : 'stripe';
      const checkout = await reportSale(provider, request, form);
      return html(checkout.webhookStatus === 200 ? 200 : 502, page('Thank you', '', `<p id="status">${checkout.webhookStatus}</p>`));
    }
    html(404, page('Not found', '', ''));
  }

  const server: Server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    checkouts,
    carts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
