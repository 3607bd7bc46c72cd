/**
 * The development story on `npm start`'s platform (real handlers, local stand-ins): a vendor saves
 * a loopback receiver (allowed by the runner's ALLOW_LOOPBACK_WEBHOOKS), and a notice put on the
 * notifications queue arrives there signed so that the `standardwebhooks` library verifies it
 * with the secret the API showed once. Payment details are sealed under the DATA_DIR key file.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../lib/local/local-log.js';
import { startLocalPlatform, type LocalPlatform } from '../../lib/local/start-local-platform.js';

describe('local platform: vendor notifications and payment data', () => {
  let platform: LocalPlatform;
  let dataDir: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string; at: number }[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'local-notify-'));
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body, at: Date.now() });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    platform = await startLocalPlatform({ port: 0, dataDir, tickerEnabled: false, log: silentLog, retryDelaySeconds: 0 });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('a loopback receiver saved by the vendor gets a notice the standardwebhooks library verifies', async () => {
    expect(platform.deps.config.allowLoopbackWebhooks).toBe(true);
    const vendor = await api('POST', '/v1/admin/vendors', platform.adminToken, { name: 'Dev shop', email: `dev-${randomUUID()}@example.com`, webhook_url: receiverUrl });
    expect(vendor.status, JSON.stringify(vendor.body)).toBe(201);
    const secret = String(vendor.body.webhook_secret);

    const notice = { notification_id: randomUUID(), vendor_id: vendor.body.vendor_id, event_type: 'conversion.created', payload: { conversion_id: 1, commission_amount: '9.99' } };
    await platform.deps.sqs.send(new SendMessageCommand({ QueueUrl: platform.queues.notifications!.url, MessageBody: JSON.stringify(notice) }));
    await platform.drain();

    expect(received).toHaveLength(1);
    const [delivery] = received;
    const headers = Object.fromEntries(Object.entries(delivery!.headers).map(([k, v]) => [k, String(v)]));
    expect(headers['webhook-id']).toBe(notice.notification_id);
    // Verified as a vendor would, at the moment it arrived (the library reads the wall clock).
    expect(Math.abs(delivery!.at / 1000 - Number(headers['webhook-timestamp']))).toBeLessThan(60);
    expect(new Webhook(secret).verify(delivery!.body, headers)).toMatchObject({ type: 'conversion.created', data: notice.payload });
    const { rows } = await platform.deps.sql.query<{ status: string }>(`SELECT status FROM notification_deliveries WHERE notification_id = :id::uuid`, { id: notice.notification_id });
    expect(rows).toEqual([{ status: 'delivered' }]);
  });

  it('seals payment details under $DATA_DIR/payment-data.key (0600) and reads them masked', async () => {
    const partner = await api('POST', '/v1/admin/partners', platform.adminToken, { name: 'Dev partner', email: `dp-${randomUUID()}@example.com` });
    const method = await api('POST', '/v1/partner/payment-methods', String(partner.body.api_key), {
      payment_provider: 'wire',
      account_details: { iban: 'NL91ABNA0417164300', bic: 'ABNANL2A' },
    });
    expect(method.status, JSON.stringify(method.body)).toBe(201);
    expect(method.body.account_details).toEqual({ iban: '****4300', bic: '****NL2A' });
    expect((await stat(join(dataDir, 'payment-data.key'))).mode & 0o777).toBe(0o600);
    const { rows } = await platform.deps.sql.query<{ row: string }>(
      `SELECT row_to_json(m)::text AS row FROM partner_payment_methods m WHERE partner_payment_method_id = :id::integer`,
      { id: Number(method.body.partner_payment_method_id) },
    );
    expect(rows[0]!.row).not.toContain('ABNA0417164300');
  });
});
