/**
 * The demo's sales, as the shop sends them: signed Stripe and Shopify webhooks (with a duplicate
 * delivery of each and a partial refund in Stripe's two shapes) and conversion API calls, in three
 * waves, each settled before the next: a tier depends on the partner's revenue earlier in the
 * month, so the order in which one partner's sales are attributed must not be left to the queue.
 */
import { formatAmount } from '../../functions/domain/money/currency.js';
import { buildShopifyOrderPaid, buildStripeChargeRefunded, buildStripeCheckoutCompleted, buildStripeRefundCreated } from './build-provider-events.js';
import { DemoStepError, type DemoHttp } from './demo-http.js';
import type { DemoReport } from './demo-report.js';
import { demoSales, refundCents, type SaleBuyer } from './demo-sales.js';
import type { DemoProgram } from './set-up-demo-program.js';
import { signShopifyPayload } from './sign-shopify-payload.js';
import { signStripePayload } from './sign-stripe-payload.js';
import { waitForQueues, type QueueSnapshot } from './wait-for-queues.js';

export interface SendDemoSalesArgs {
  http: DemoHttp;
  runId: string;
  /** The run's start (ms): Shopify order ids derive from it, unique per run. */
  startedAt: number;
  vendorKey: string;
  integrations: DemoProgram['integrations'];
  /** Each buyer's last click id, as the redirect handed it out. */
  buyerClick: ReadonlyMap<string, string>;
  /** The queue counters before the first sale. */
  snapshot: QueueSnapshot;
  settleTimeoutMs: number;
  progress: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends every planned sale and waits for the conversions queue after each wave. */
export async function sendDemoSales(args: SendDemoSalesArgs): Promise<{ deliveries: DemoReport['deliveries']; snapshot: QueueSnapshot }> {
  const { http, runId, startedAt, vendorKey, integrations, buyerClick, settleTimeoutMs, progress } = args;
  let snapshot = args.snapshot;
  const deliveries = { stripe: 0, shopify: 0, api: 0, duplicates: 0, refunds: 0, enqueued: 0 };
  const clickOf = (buyer: SaleBuyer): string => {
    const id = buyerClick.get(buyer);
    if (!id) throw new DemoStepError(`${buyer}'s click got no click id from the redirect`);
    return id;
  };
  // Webhooks are posted as raw bytes: the signature covers the exact body, never re-serialised JSON.
  const postWebhook = async (step: string, path: string, payload: string, headers: Record<string, string>): Promise<void> => {
    const response = await http.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    const text = await response.text();
    if (response.status !== 200) throw new DemoStepError(`${step}: POST ${path} answered ${response.status} ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as { enqueued?: number; ignored?: boolean; reason?: string };
    if (body.ignored) throw new DemoStepError(`${step}: the webhook was ignored (${body.reason ?? 'no reason'})`);
    deliveries.enqueued += body.enqueued ?? 0;
  };
  const stripePath = `/webhooks/stripe/${integrations.stripe.integration_id}`;
  const shopifyPath = `/webhooks/shopify/${integrations.shopify.integration_id}`;
  const sendStripe = (step: string, payload: string, jpy = false) =>
    postWebhook(step, jpy ? `/webhooks/stripe/${integrations.stripeJpy.integration_id}` : stripePath, payload, {
      'stripe-signature': signStripePayload({ payload, secret: jpy ? integrations.stripeJpy.secret : integrations.stripe.secret, timestamp: Math.floor(Date.now() / 1000) }),
    });
  const sendShopify = (step: string, payload: string, topic: string, webhookId: string) =>
    postWebhook(step, shopifyPath, payload, {
      'x-shopify-hmac-sha256': signShopifyPayload({ payload, secret: integrations.shopify.secret }),
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': webhookId,
      'x-shopify-shop-domain': integrations.shopify.shopDomain,
    });

  /** A sale the vendor reports through the API itself, now. */
  const reportSale = async (step: string, sale: { transaction_id: string; event_value: string; currency: string; click_id: string; customer_email?: string }) => {
    await http.json({ step, method: 'POST', path: '/v1/conversions', token: vendorKey, expect: 202, body: { event_type: 'sale', ...sale, occurred_at: new Date().toISOString() } });
    deliveries.api += 1;
    deliveries.enqueued += 1;
  };

  // A sale must not share the second of its click (Stripe's `created` has whole seconds).
  await sleep(1000 - (Date.now() % 1000) + 20);
  const paymentIntent = (buyer: SaleBuyer) => `pi_${runId}_${buyer.replace(/-/g, '_')}`;
  let orderNumber = 1000;
  const waitForConversions = async (wave: string, before: number) => {
    snapshot = await waitForQueues({ http, step: wave, baseline: snapshot, minimumSucceeded: { conversions: deliveries.enqueued - before }, timeoutMs: settleTimeoutMs });
  };

  for (const wave of [1, 2, 3] as const) {
    progress(`sales, wave ${wave}`);
    const enqueuedBefore = deliveries.enqueued;
    for (const sale of demoSales.filter((s) => s.wave === wave)) {
      const clickId = clickOf(sale.buyer);
      const email = `${sale.buyer}+${runId}@shoppers.example`;
      if (sale.via === 'stripe') {
        const created = Math.floor(Date.now() / 1000);
        const payload = JSON.stringify(
          buildStripeCheckoutCompleted({
            eventId: `evt_${runId}_${sale.buyer.replace(/-/g, '_')}`,
            sessionId: `cs_test_${runId}_${sale.buyer.replace(/-/g, '_')}`,
            paymentIntentId: paymentIntent(sale.buyer),
            amount: sale.amount,
            currency: sale.currency.toLowerCase(),
            clickId,
            customerId: `cus_${runId}_${sale.buyer.replace(/-/g, '_')}`,
            customerEmail: email,
            created,
          }),
        );
        await sendStripe(`Stripe sale (${sale.buyer})`, payload, sale.currency === 'JPY');
        deliveries.stripe += 1;
        if (sale.buyer === 'stripe-journey') {
          // Stripe retries when it saw no answer in time: the same event, signed again.
          await sendStripe('Stripe duplicate delivery', payload);
          deliveries.stripe += 1;
          deliveries.duplicates += 1;
        }
      } else if (sale.via === 'shopify') {
        orderNumber += 1;
        const orderId = 5_800_000_000_000 + Number(startedAt % 1_000_000_000) * 10 + orderNumber;
        const payload = JSON.stringify(
          buildShopifyOrderPaid({
            orderId,
            orderNumber,
            totalCents: sale.amount,
            clickId,
            customerId: 7_200_000_000_000 + orderNumber,
            email,
            processedAt: new Date().toISOString(),
          }),
        );
        const webhookId = `wh-${runId}-${sale.buyer}`;
        await sendShopify(`Shopify order (${sale.buyer})`, payload, 'orders/paid', webhookId);
        deliveries.shopify += 1;
        if (sale.buyer === 'shopify-journey') {
          // Shopify redelivers with the same X-Shopify-Webhook-Id.
          await sendShopify('Shopify duplicate delivery', payload, 'orders/paid', webhookId);
          deliveries.shopify += 1;
          deliveries.duplicates += 1;
        }
      } else {
        await reportSale(`report a conversion through the API (${sale.buyer})`, {
          transaction_id: `order-${runId}-${sale.buyer}`,
          event_value: formatAmount(sale.amount, sale.currency),
          currency: sale.currency,
          click_id: clickId,
          customer_email: email,
        });
      }
    }
    if (wave === 3) {
      // The shopper sends back part of the $80.00 order. Stripe sends today's shapes: the Refund
      // (`refund.created`), and the Charge with its running `amount_refunded` and no refund list
      // (`charge.refunded`). Both describe the same $30.00: it must be taken once.
      const created = Math.floor(Date.now() / 1000);
      const refund = {
        paymentIntentId: paymentIntent('stripe-refunded'),
        chargeId: `ch_${runId}_refunded`,
        currency: 'usd',
        created,
      };
      await sendStripe(
        'Stripe refund.created',
        JSON.stringify(buildStripeRefundCreated({ ...refund, eventId: `evt_${runId}_refund_created`, refundId: `re_${runId}_refunded`, amount: refundCents })),
      );
      await sendStripe(
        'Stripe charge.refunded',
        JSON.stringify(
          buildStripeChargeRefunded({
            ...refund,
            eventId: `evt_${runId}_charge_refunded`,
            chargeAmount: demoSales.find((s) => s.buyer === 'stripe-refunded')!.amount,
            amountRefunded: refundCents,
          }),
        ),
      );
      deliveries.stripe += 2;
      deliveries.refunds += 2;

      // A shopper who clicked Carol's USD link pays at the EUR checkout: no commission (amounts are
      // never converted), kept where the vendor sees it with the reason.
      await reportSale('report a EUR sale on a USD click', {
        transaction_id: `order-${runId}-eur-on-usd`,
        event_value: '45.00',
        currency: 'EUR',
        click_id: clickOf('stripe-refunded'),
      });
    }
    await waitForConversions(`conversions, wave ${wave}`, enqueuedBefore);
  }
  return { deliveries, snapshot };
}
