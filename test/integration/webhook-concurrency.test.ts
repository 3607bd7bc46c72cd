/**
 * 50 concurrent deliveries of one Stripe event through the whole local platform (HTTP gateway,
 * webhook Lambda, local-aws-sqs, queue poller, attribute-conversions, PGlite) produce exactly one
 * conversion, one commission snapshot and one set of touches: the webhook answers every delivery
 * (it enqueues each; it does not try to dedupe), and the consumer's unique keys decide.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbLinkStore } from '../../functions/adapters/aws/dynamodb-link-store.js';
import { insertIntegration } from '../../functions/repositories/accounts/integrations.js';
import { silentLog } from '../../lib/local/local-log.js';
import { startLocalPlatform, type LocalPlatform } from '../../lib/local/start-local-platform.js';
import { seedProgram, type SeededProgram } from '../support/fixtures/seed.js';

const secret = 'whsec_concurrency_test_secret';
const stripe = new Stripe('sk_test_not_used');

describe('50 concurrent deliveries of one Stripe event', () => {
  let platform: LocalPlatform;
  let dataDir: string;
  let program: SeededProgram;
  let integrationId: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'webhook-concurrency-'));
    platform = await startLocalPlatform({ port: 0, dataDir, tickerEnabled: false, log: silentLog, retryDelaySeconds: 0 });
    program = await seedProgram(platform.deps.sql, { partners: 1 });
    const link = program.partners[0]!.links[0]!;
    await createDynamoDbLinkStore({ client: platform.deps.dynamodb, tableName: platform.deps.config.tableNames.links }).put(link);
    integrationId = await insertIntegration(platform.deps.sql, {
      vendor_id: program.vendorId,
      name: 'Stripe',
      config: { provider: 'stripe', signing_secret: secret },
      campaign_id: null,
      now: new Date(),
    });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('make exactly one conversion and one commission', async () => {
    // A real click through the redirect: its aff_click_id is what the shop sends back to Stripe.
    const link = program.partners[0]!.links[0]!;
    const hop = await fetch(`${platform.url}/${link.short_code}`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0' } });
    expect(hop.status).toBe(302);
    const clickId = new URL(hop.headers.get('location')!).searchParams.get('aff_click_id')!;
    await platform.drain(60_000);

    const event = JSON.parse(readFileSync(new URL('../../events/stripe/checkout.session.completed.json', import.meta.url), 'utf8'));
    event.created = Math.floor(Date.now() / 1000) + 1;
    event.data.object.client_reference_id = clickId;
    event.data.object.metadata.aff_click_id = clickId;
    const payload = JSON.stringify(event);
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) });

    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${platform.url}/webhooks/stripe/${integrationId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': header },
          body: payload,
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as { receipt_ids?: string[] } })),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 50 }, () => 200));
    expect(new Set(answers.map((a) => a.body.receipt_ids?.[0])).size).toBe(1);

    await platform.drain(180_000);
    const sql = platform.deps.sql;
    const conversions = await sql.query<{ conversion_event_id: number; receipt_id: string; partner_id: number; event_value: string; commission_amount: string }>(
      `SELECT conversion_event_id, receipt_id::text AS receipt_id, partner_id, event_value, commission_amount
       FROM conversion_events WHERE vendor_id = :v::integer AND transaction_id = 'pi_3QbCjzLz8xYtRq3m1F9gH8jK'`,
      { v: program.vendorId },
    );
    expect(conversions.rows).toHaveLength(1);
    const conversion = conversions.rows[0]!;
    expect(conversion).toMatchObject({ receipt_id: answers[0]!.body.receipt_ids![0], partner_id: program.partners[0]!.partnerId, event_value: '99.990', commission_amount: '10.000' }); // NUMERIC(13,3) column text
    const counts = await sql.query<{ snapshots: number; touches: number; touch_sum: string; deliveries: number; total_conversions: number; total_commission_earned: string }>(
      `SELECT (SELECT COUNT(*)::integer FROM event_commission_snapshots WHERE conversion_event_id = :id::bigint) AS snapshots,
              (SELECT COUNT(*)::integer FROM touches WHERE conversion_event_id = :id::bigint) AS touches,
              (SELECT COALESCE(SUM(touch_value), 0)::text FROM touches WHERE conversion_event_id = :id::bigint) AS touch_sum,
              (SELECT COUNT(*)::integer FROM webhook_deliveries WHERE provider_event_id = 'evt_1QbCk2Lz8xYtRq3m0aB1cD2e') AS deliveries,
              (SELECT total_conversions FROM campaign_partners WHERE campaign_version_id = :cv::integer AND partner_id = :p::integer) AS total_conversions,
              (SELECT total_commission_earned::text FROM campaign_partners WHERE campaign_version_id = :cv::integer AND partner_id = :p::integer) AS total_commission_earned`,
      { id: conversion.conversion_event_id, cv: program.campaignVersionId, p: program.partners[0]!.partnerId },
    );
    expect(counts.rows[0]).toEqual({ snapshots: 1, touches: 1, touch_sum: '10.000', deliveries: 1, total_conversions: 1, total_commission_earned: '10.000' });
    const unattributed = await sql.query(`SELECT 1 FROM unattributed_conversions WHERE vendor_id = :v::integer`, { v: program.vendorId });
    expect(unattributed.rows).toEqual([]);
  }, 300_000);
});
