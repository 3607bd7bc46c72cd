/**
 * The demo's sign-in links against the real local platform (`npm start`'s code, port 0, a fresh
 * data directory): the outbox mailer it wires writes each message to $DATA_DIR/outbox/ and logs
 * the link; the link opens a session through the HTTP gateway (Set-Cookie out, Cookie back in);
 * `operator@localhost` is the local operator address.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoHttp } from '../../../lib/demo/demo-http.js';
import { formatSignInLinks, requestSignInLinks } from '../../../lib/demo/print-sign-in-links.js';
import type { LocalLog } from '../../../lib/local/local-log.js';
import { startLocalPlatform, type LocalPlatform } from '../../../lib/local/start-local-platform.js';

let platform: LocalPlatform;
let dataDir: string;
const logged: string[] = [];
const log: LocalLog = { info: (line) => logged.push(line), warn: () => {}, error: () => {} };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'demo-sign-in-'));
  platform = await startLocalPlatform({ port: 0, dataDir, log, tickerEnabled: false });
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function openSession(link: string) {
  const token = new URL(link).hash.replace('#token=', '');
  const res = await fetch(`${platform.url}/v1/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  expect(res.status).toBe(201);
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^aff_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/$/);
  return { cookie: cookie.split(';')[0]!, body: (await res.json()) as Record<string, unknown> };
}

describe('demo sign-in links on the local platform', () => {
  it('prints a working link for the vendor and a partner, read from $DATA_DIR/outbox', async () => {
    const http = createDemoHttp({ baseUrl: platform.url });
    const vendor = await http.json<{ vendor_id: number; name: string }>({ step: 'vendor', method: 'POST', path: '/v1/admin/vendors', token: platform.adminToken, body: { name: 'Demo Outdoors', email: 'owner@demo-outdoors.example' } });
    const partner = await http.json<{ partner_id: number }>({ step: 'partner', method: 'POST', path: '/v1/admin/partners', token: platform.adminToken, body: { name: 'Alice', email: 'alice@partners.example' } });
    const links = await requestSignInLinks({
      http,
      dataDir,
      people: [
        { role: 'vendor', email: 'owner@demo-outdoors.example', label: 'vendor Demo Outdoors' },
        { role: 'partner', email: 'alice@partners.example', label: 'partner Alice' },
      ],
    });
    expect(links.map((l) => l.link)).toEqual([
      expect.stringMatching(new RegExp(`^${platform.url}/app/sign-in#token=[A-Za-z0-9_-]{43}$`)),
      expect.stringMatching(new RegExp(`^${platform.url}/app/sign-in#token=[A-Za-z0-9_-]{43}$`)),
    ]);
    const printed = formatSignInLinks(links, join(dataDir, 'outbox'));
    expect(printed).toContain(`vendor Demo Outdoors <owner@demo-outdoors.example>: ${links[0]!.link}`);
    // The local log carries each link too.
    expect(logged.some((line) => line.startsWith('mail to owner@demo-outdoors.example: "Your sign-in link"') && line.includes(links[0]!.link!))).toBe(true);

    const vendorSession = await openSession(links[0]!.link!);
    expect(vendorSession.body).toMatchObject({ role: 'vendor', vendor_id: vendor.vendor_id });
    const who = await fetch(`${platform.url}/v1/auth/session`, { headers: { cookie: vendorSession.cookie } });
    expect(who.status).toBe(200);
    expect(((await who.json()) as { csrf_token: string }).csrf_token).toBe(vendorSession.body.csrf_token);
    const campaigns = await fetch(`${platform.url}/v1/campaigns`, { headers: { cookie: vendorSession.cookie } });
    expect(campaigns.status).toBe(200);

    const partnerSession = await openSession(links[1]!.link!);
    expect(partnerSession.body).toMatchObject({ role: 'partner', partner_id: partner.partner_id });
  });

  it('operator@localhost signs in to the operator console by default', async () => {
    const http = createDemoHttp({ baseUrl: platform.url });
    await http.json({ step: 'operator link', method: 'POST', path: '/v1/auth/magic-link', body: { email: 'operator@localhost', role: 'operator' }, expect: 202 });
    const line = logged.find((l) => l.startsWith('mail to operator@localhost:'));
    const link = /(http:\/\/\S+)/.exec(line ?? '')?.[1];
    const session = await openSession(link!);
    expect(session.body).toMatchObject({ role: 'operator', email: 'operator@localhost' });
    const vendors = await fetch(`${platform.url}/v1/admin/vendors`, { headers: { cookie: session.cookie } });
    expect(vendors.status).toBe(200);
  });
});
