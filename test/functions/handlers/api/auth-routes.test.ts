// Over 300 lines: the sign-in contract (magic link, sign-up, session, CSRF, expiries, operator addresses) over one platform fixture; split, each file would start it again.
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field. */
/**
 * The web app's sign-in through the management API: magic links written to a real outbox
 * (.eml files read back as a mail client would), single use, the 15-minute expiry on the
 * fixture's clock, the session cookie, idle and absolute expiry, sign-out, CSRF, and a session
 * reading exactly what that principal's API key reads.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../../functions/handlers/management-api.js';
import { buildApiEvent, type RequestOptions } from '../../../support/platform/api-client.js';
import { attachOutboxMailer, latestMessageTo, messagesTo, uniqueEmail } from '../../../support/outbox.js';
import { adminToken, createCampaign, createPartner, createVendor, enroll, expectProblem } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const minute = 60_000;
let dataDir: string;
const unique = uniqueEmail;

const f = useApiFixture(async () => {
  dataDir = await attachOutboxMailer(f.deps);
  f.deps.config.operatorEmails = ['ops@example.com'];
});
beforeEach(() => {
  f.deps.config.appBaseUrl = 'http://127.0.0.1:3000';
});

/** A raw call, so Set-Cookie (API Gateway v2 `cookies`) is visible. */
async function call(method: string, url: string, body?: unknown, options: RequestOptions & { session?: string; csrf?: string } = {}) {
  const handler = createHandler(f.deps, { linkStore: f.linkStore });
  const headers: Record<string, string> = { ...options.headers };
  if (options.session) headers.cookie = `other=1; aff_session=${options.session}`;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  const result = (await handler(buildApiEvent(method, url, body, { ...options, headers }))) as APIGatewayProxyStructuredResultV2;
  const text = result.body;
  const resHeaders: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.headers ?? {})) resHeaders[key.toLowerCase()] = String(value);
  return { status: result.statusCode ?? 0, headers: resHeaders, cookies: result.cookies ?? [], body: text ? (JSON.parse(text) as any) : undefined };
}

function tokenOf(link: string | undefined): string {
  const match = /\/app\/sign-in#token=([A-Za-z0-9_-]{43})$/.exec(link ?? '');
  expect(match, link).not.toBeNull();
  return match![1]!;
}

async function linkFor(email: string, role: 'partner' | 'vendor' | 'operator'): Promise<string> {
  const before = (await messagesTo(dataDir, email)).length;
  const res = await call('POST', '/v1/auth/magic-link', { email, role });
  expect(res.status).toBe(202);
  const after = await messagesTo(dataDir, email);
  expect(after).toHaveLength(before + 1);
  return tokenOf(after.at(-1)!.link);
}

async function signIn(email: string, role: 'partner' | 'vendor' | 'operator') {
  const res = await call('POST', '/v1/auth/session', { token: await linkFor(email, role) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const session = /^aff_session=([A-Za-z0-9_-]{43});/.exec(res.cookies[0] ?? '')![1]!;
  return { session, csrf: res.body.csrf_token as string, body: res.body };
}

describe('POST /v1/auth/magic-link', () => {
  it('answers 202 {} for known and unknown addresses, and only the known one gets a message', async () => {
    const email = unique('pat');
    const partner = await createPartner(f.api, { email });
    const unknown = unique('nobody');

    const known = await call('POST', '/v1/auth/magic-link', { email, role: 'partner' });
    const missing = await call('POST', '/v1/auth/magic-link', { email: unknown, role: 'partner' });
    expect([known.status, missing.status]).toEqual([202, 202]);
    expect(known.body).toEqual({});
    expect(missing.body).toEqual(known.body);

    expect(await messagesTo(dataDir, unknown)).toHaveLength(0);
    const message = (await latestMessageTo(dataDir, email))!;
    expect(message.subject).toBe('Your sign-in link');
    expect(message.headers.from).toBe('no-reply@app.example.test');
    expect(message.headers['message-id']).toMatch(/^<[0-9a-f]{16}@app\.example\.test>$/);
    expect(message.headers['mime-version']).toBe('1.0');
    expect(message.headers['content-type']).toBe('text/plain; charset=utf-8');
    // Sign-in links are transactional: no unsubscribe.
    expect(message.headers['list-unsubscribe']).toBeUndefined();
    const token = tokenOf(message.link);
    // Stored hashed only: the token itself is nowhere in the table.
    const { rows } = await f.db.sql.query<{ token_hash: string; partner_id: number; role: string }>(`SELECT token_hash, partner_id, role FROM auth_tokens WHERE email = :email`, { email });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ partner_id: partner.partner_id, role: 'partner' });
    expect(rows[0]!.token_hash).not.toContain(token);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a partner address asking as a vendor (and the reverse) gets nothing', async () => {
    const email = unique('pat');
    await createPartner(f.api, { email });
    expect((await call('POST', '/v1/auth/magic-link', { email, role: 'vendor' })).status).toBe(202);
    expect((await call('POST', '/v1/auth/magic-link', { email, role: 'operator' })).status).toBe(202);
    expect(await messagesTo(dataDir, email)).toHaveLength(0);
  });

  it('rate limits per address: the sixth request in 15 minutes still answers 202 but sends nothing', async () => {
    const email = unique('busy');
    await createPartner(f.api, { email });
    for (let i = 0; i < 6; i += 1) expect((await call('POST', '/v1/auth/magic-link', { email, role: 'partner' }, { sourceIp: `198.51.100.${i}` })).status).toBe(202);
    expect(await messagesTo(dataDir, email)).toHaveLength(5);
    f.clock.advance(15 * minute + 1);
    await call('POST', '/v1/auth/magic-link', { email, role: 'partner' });
    expect(await messagesTo(dataDir, email)).toHaveLength(6);
  });

  it('rate limits per IP across addresses', async () => {
    const ip = '192.0.2.77';
    const emails: string[] = [];
    for (let i = 0; i < 21; i += 1) {
      const email = unique(`ip${i}`);
      emails.push(email);
      await createPartner(f.api, { email });
      expect((await call('POST', '/v1/auth/magic-link', { email, role: 'partner' }, { sourceIp: ip })).status).toBe(202);
    }
    expect(await messagesTo(dataDir, emails[19]!)).toHaveLength(1);
    expect(await messagesTo(dataDir, emails[20]!)).toHaveLength(0);
    f.clock.advance(15 * minute + 1);
  });

  it('400 names the field for a bad address or role', async () => {
    const res = await call('POST', '/v1/auth/magic-link', { email: 'not-an-email', role: 'shopper' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.path).sort()).toEqual(['body.email', 'body.role']);
  });
});

describe('POST /v1/auth/session', () => {
  it('a token works once and sets the session cookie; a second use is 401', async () => {
    const email = unique('pat');
    const partner = await createPartner(f.api, { email });
    const token = await linkFor(email, 'partner');
    const first = await call('POST', '/v1/auth/session', { token });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ role: 'partner', email, partner_id: partner.partner_id });
    expect(first.body.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.body.expires_at).toBe(new Date(f.clock.now.getTime() + 12 * 60 * minute).toISOString());
    expect(first.body.idle_expires_at).toBe(new Date(f.clock.now.getTime() + 30 * minute).toISOString());
    const second = await call('POST', '/v1/auth/session', { token });
    expectProblem(second, 401);
    expectProblem(await call('POST', '/v1/auth/session', { token: 'x'.repeat(43) }), 401);
  });

  it('another site cannot sign a visitor in (login CSRF): a foreign Origin is 403 and the token stays unused', async () => {
    const email = unique('pat');
    await createPartner(f.api, { email });
    const token = await linkFor(email, 'partner');
    expectProblem(await call('POST', '/v1/auth/session', { token }, { headers: { origin: 'https://evil.example' } }), 403);
    expectProblem(await call('POST', '/v1/auth/magic-link', { email, role: 'partner' }, { headers: { origin: 'https://evil.example' } }), 403);
    expectProblem(await call('POST', '/v1/auth/sign-up', { email, name: 'X' }, { headers: { origin: 'https://evil.example' } }), 403);
    // The host the request was sent to is same-origin too (the local app at localhost or 127.0.0.1); Origin "null" is not.
    expectProblem(await call('POST', '/v1/auth/session', { token }, { headers: { origin: 'null' } }), 403);
    expect((await call('POST', '/v1/auth/session', { token }, { headers: { origin: 'http://api.local' } })).status).toBe(201);
  });

  it('the link expires at 15 minutes: 14:59 works, 15:01 does not', async () => {
    const email = unique('pat');
    await createPartner(f.api, { email });
    const early = await linkFor(email, 'partner');
    f.clock.advance(14 * minute + 59_000);
    expect((await call('POST', '/v1/auth/session', { token: early })).status).toBe(201);
    const late = await linkFor(email, 'partner');
    f.clock.advance(15 * minute + 1_000);
    expectProblem(await call('POST', '/v1/auth/session', { token: late }), 401);
  });

  it('cookie: HttpOnly, SameSite=Lax, Path=/, no Secure on an http base; Secure on https', async () => {
    const email = unique('pat');
    await createPartner(f.api, { email });
    const plain = await call('POST', '/v1/auth/session', { token: await linkFor(email, 'partner') });
    expect(plain.cookies).toHaveLength(1);
    expect(plain.cookies[0]).toMatch(/^aff_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/$/);
    f.deps.config.appBaseUrl = 'https://app.example.test';
    const secure = await call('POST', '/v1/auth/session', { token: await linkFor(email, 'partner') });
    expect(secure.cookies[0]).toMatch(/^aff_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/; Secure$/);
    // The link points at the app's base.
    expect((await latestMessageTo(dataDir, email))!.link).toMatch(/^https:\/\/app\.example\.test\/app\/sign-in#token=/);
  });
});

describe('the session', () => {
  it('GET answers the same body and csrf token; idle expiry slides, 30 minutes without a request ends it', async () => {
    const email = unique('pat');
    await createPartner(f.api, { email });
    const { session, csrf, body } = await signIn(email, 'partner');
    const read = await call('GET', '/v1/auth/session', undefined, { session });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(body);
    expect(read.body.csrf_token).toBe(csrf);

    f.clock.advance(29 * minute);
    const slid = await call('GET', '/v1/partner/links', undefined, { session });
    expect(slid.status).toBe(200);
    const after = await call('GET', '/v1/auth/session', undefined, { session });
    expect(after.body.idle_expires_at).toBe(new Date(f.clock.now.getTime() + 30 * minute).toISOString());
    f.clock.advance(30 * minute + 1);
    expectProblem(await call('GET', '/v1/auth/session', undefined, { session }), 401);
    expectProblem(await call('GET', '/v1/partner/links', undefined, { session }), 401);
  });

  it('absolute expiry: 12 hours after sign-in, however active', async () => {
    const email = unique('pat');
    await createPartner(f.api, { email });
    const { session } = await signIn(email, 'partner');
    for (let i = 0; i < 24; i += 1) {
      f.clock.advance(29 * minute + 59_000);
      expect((await call('GET', '/v1/auth/session', undefined, { session })).status, `request ${i + 1}`).toBe(200);
    }
    // 24 x 29:59 = 11 h 59 min 36 s: still live; 25 s later it is past 12 h.
    expect((await call('GET', '/v1/auth/session', undefined, { session })).status).toBe(200);
    f.clock.advance(25_000);
    expectProblem(await call('GET', '/v1/auth/session', undefined, { session }), 401);
  });

  it('sign-out revokes the session server-side and clears the cookie; it needs the CSRF header', async () => {
    const email = unique('pat');
    await createPartner(f.api, { email });
    const { session, csrf } = await signIn(email, 'partner');
    expectProblem(await call('DELETE', '/v1/auth/session', undefined, { session }), 403);
    const out = await call('DELETE', '/v1/auth/session', undefined, { session, csrf });
    expect(out.status).toBe(204);
    expect(out.cookies[0]).toMatch(/^aff_session=; HttpOnly; SameSite=Lax; Path=\/; Max-Age=0/);
    expectProblem(await call('GET', '/v1/auth/session', undefined, { session }), 401);
    expectProblem(await call('GET', '/v1/partner/links', undefined, { session }), 401);
    const { rows } = await f.db.sql.query<{ revoked_at: string | null }>(`SELECT revoked_at FROM web_sessions WHERE email = :email`, { email });
    expect(rows[0]!.revoked_at).toBe(f.clock.now.toISOString());
  });

  it('no cookie, or a made-up one: 401', async () => {
    expectProblem(await call('GET', '/v1/auth/session'), 401);
    expectProblem(await call('GET', '/v1/auth/session', undefined, { session: 'A'.repeat(43) }), 401);
    expectProblem(await call('GET', '/v1/partner/links', undefined, { session: 'A'.repeat(43) }), 401);
  });
});

describe('CSRF', () => {
  it('a session write without X-CSRF-Token or with a wrong one is 403; the right one passes; a foreign Origin is 403', async () => {
    const vendorEmail = unique('vendor');
    const vendor = await createVendor(f.api, { email: vendorEmail });
    const { session, csrf } = await signIn(vendorEmail, 'vendor');
    const body = { name: 'Session campaign', destination_url: 'https://shop.example.com/x', default_commission_type: 'percentage', default_commission_value: '10.00' };
    expectProblem(await call('POST', '/v1/campaigns', body, { session }), 403);
    expectProblem(await call('POST', '/v1/campaigns', body, { session, csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` }), 403);
    expectProblem(await call('POST', '/v1/campaigns', body, { session, csrf, headers: { origin: 'https://evil.example' } }), 403);
    const made = await call('POST', '/v1/campaigns', body, { session, csrf, headers: { origin: 'http://127.0.0.1:3000' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await call('POST', '/v1/campaigns', { ...body, name: 'No origin' }, { session, csrf })).status).toBe(201);
    // Another session's token is wrong for this one.
    const other = await signIn(vendorEmail, 'vendor');
    expectProblem(await call('POST', '/v1/campaigns', body, { session, csrf: other.csrf }), 403);
    // Bearer requests carry no ambient credential: no CSRF header needed, and the key wins over a cookie.
    const viaKey = await call('POST', '/v1/campaigns', { ...body, name: 'By key' }, { token: vendor.key, session: 'A'.repeat(43) });
    expect(viaKey.status).toBe(201);
  });
});

describe('a session acts as that principal', () => {
  it('vendor session reads exactly what the vendor key reads; another vendor’s campaign is 404 for both', async () => {
    const email = unique('vendor');
    const vendor = await createVendor(f.api, { email });
    const other = await createVendor(f.api);
    const mine = await createCampaign(f.api, vendor.key);
    const theirs = await createCampaign(f.api, other.key);
    const { session, body } = await signIn(email, 'vendor');
    expect(body).toMatchObject({ role: 'vendor', vendor_id: vendor.vendor_id, vendor_user_id: vendor.vendor_user_id, vendor_role: 'owner' });

    const byKey = await call('GET', '/v1/campaigns', undefined, { token: vendor.key });
    const bySession = await call('GET', '/v1/campaigns', undefined, { session });
    expect(bySession.status).toBe(200);
    expect(bySession.body).toEqual(byKey.body);
    expect(bySession.body.data.map((c: any) => c.campaign_id)).toContain(mine.campaign_id);
    expectProblem(await call('GET', `/v1/campaigns/${theirs.campaign_id}`, undefined, { token: vendor.key }), 404);
    expectProblem(await call('GET', `/v1/campaigns/${theirs.campaign_id}`, undefined, { session }), 404);
    // A vendor session on a partner route: 403, as the vendor's key.
    expectProblem(await call('GET', '/v1/partner/links', undefined, { session }), 403);
  });

  it('partner session reads what the partner key reads', async () => {
    const email = unique('pat');
    const partner = await createPartner(f.api, { email });
    const vendor = await createVendor(f.api);
    const campaign = await createCampaign(f.api, vendor.key);
    await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const { session } = await signIn(email, 'partner');
    for (const url of ['/v1/partner/campaigns', '/v1/partner/links', '/v1/partner/profile']) {
      const byKey = await call('GET', url, undefined, { token: partner.key });
      const bySession = await call('GET', url, undefined, { session });
      expect(bySession.status, url).toBe(byKey.status);
      expect(bySession.body, url).toEqual(byKey.body);
    }
    expectProblem(await call('GET', '/v1/campaigns', undefined, { session }), 403);
  });

  it('operator: only configured addresses get a link; the session is the operator token’s principal', async () => {
    const none = await call('POST', '/v1/auth/magic-link', { email: 'someone@example.com', role: 'operator' });
    expect(none.status).toBe(202);
    expect(await messagesTo(dataDir, 'someone@example.com')).toHaveLength(0);
    const { session, csrf, body } = await signIn('OPS@example.com'.toLowerCase(), 'operator');
    expect(body).toMatchObject({ role: 'operator', email: 'ops@example.com' });
    expect(body.partner_id).toBeUndefined();
    const byToken = await call('GET', '/v1/admin/vendors', undefined, { token: adminToken });
    const bySession = await call('GET', '/v1/admin/vendors', undefined, { session });
    expect(bySession.status).toBe(200);
    expect(bySession.body).toEqual(byToken.body);
    const vendor = await call('POST', '/v1/admin/vendors', { name: 'By operator session', email: unique('v') }, { session, csrf });
    expect(vendor.status).toBe(201);
    // Removing the address from OPERATOR_EMAILS ends its sessions at the next request.
    f.deps.config.operatorEmails = [];
    expectProblem(await call('GET', '/v1/admin/vendors', undefined, { session }), 401);
    f.deps.config.operatorEmails = ['ops@example.com'];
  });
});

describe('POST /v1/auth/sign-up', () => {
  it('creates a pending partner and mails a sign-in link; an existing address gets a link and no second partner', async () => {
    const email = unique('new');
    const res = await call('POST', '/v1/auth/sign-up', { email, name: 'New Blog', website_url: 'https://blog.example.com' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({});
    const { rows } = await f.db.sql.query<{ partner_id: number; status: string }>(`SELECT partner_id, status FROM partners WHERE email = :email`, { email });
    expect(rows).toEqual([{ partner_id: expect.any(Number), status: 'pending' }]);
    const audit = await f.db.sql.query<{ action: string; actor_type: string }>(`SELECT action, actor_type FROM audit_logs WHERE entity_type = 'partners' AND entity_id = :id::bigint`, { id: rows[0]!.partner_id });
    expect(audit.rows).toEqual([{ action: 'signup', actor_type: 'partner' }]);
    expect(await messagesTo(dataDir, email)).toHaveLength(1);

    const again = await call('POST', '/v1/auth/sign-up', { email, name: 'Someone else' });
    expect(again).toMatchObject({ status: 202, body: {} });
    expect((await f.db.sql.query(`SELECT 1 FROM partners WHERE email = :email`, { email })).rows).toHaveLength(1);
    expect(await messagesTo(dataDir, email)).toHaveLength(2);
    const signedIn = await call('POST', '/v1/auth/session', { token: tokenOf((await latestMessageTo(dataDir, email))!.link) });
    expect(signedIn.body).toMatchObject({ role: 'partner', partner_id: rows[0]!.partner_id });
  });
});

describe('erasure', () => {
  it("a partner's erasure ends its sessions and removes its address from the sign-in tables", async () => {
    const email = unique('gone');
    const partner = await createPartner(f.api, { email });
    const { session } = await signIn(email, 'partner');
    const unused = await linkFor(email, 'partner');
    const erased = await call('POST', '/v1/admin/erasure', { partner_id: partner.partner_id }, { token: adminToken });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expectProblem(await call('GET', '/v1/auth/session', undefined, { session }), 401);
    expectProblem(await call('POST', '/v1/auth/session', { token: unused }), 401);
    for (const table of ['auth_tokens', 'web_sessions']) {
      const { rows } = await f.db.sql.query<{ email: string; ip: string | null }>(
        `SELECT email, host(${table === 'auth_tokens' ? 'requested_ip' : 'ip_address'}) AS ip FROM ${table} WHERE partner_id = :id::integer`,
        { id: partner.partner_id },
      );
      expect(rows.length, table).toBeGreaterThan(0);
      for (const row of rows) expect(row, table).toEqual({ email: `erased+${partner.partner_id}@erased.invalid`, ip: null });
    }
  });
});

describe('API keys from a session', () => {
  it('a session issues a key (shown once, working), at most two live; rotate needs the key itself', async () => {
    const email = unique('keys');
    const partner = await createPartner(f.api, { email });
    const { session, csrf } = await signIn(email, 'partner');
    expectProblem(await call('POST', '/v1/api-keys/rotate', undefined, { session, csrf }), 403);
    const issued = await call('POST', '/v1/api-keys', undefined, { session, csrf });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body.api_key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
    expect((await call('GET', '/v1/partner/links', undefined, { token: issued.body.api_key })).status).toBe(200);
    // The partner's first key (from its creation) and this one: a third is refused until one is revoked.
    expectProblem(await call('POST', '/v1/api-keys', undefined, { session, csrf }), 409);
    expect((await call('DELETE', `/v1/api-keys/${issued.body.api_key_id}`, undefined, { session, csrf })).status).toBe(204);
    expect((await call('POST', '/v1/api-keys', undefined, { session, csrf })).status).toBe(201);
    // A key holder rotates; this route is for sessions.
    expectProblem(await call('POST', '/v1/api-keys', undefined, { token: partner.key }), 403);
  });
});

describe('a vendor user of two vendors', () => {
  it('gets one message with a link per vendor; signing in to the invited one accepts the invitation', async () => {
    const email = unique('dana');
    const first = await createVendor(f.api, { email });
    const second = await createVendor(f.api);
    const invited = await call('POST', '/v1/vendor-users', { email, name: 'Dana', role: 'manager' }, { token: second.key });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(invited.body.status).toBe('pending');

    expect((await call('POST', '/v1/auth/magic-link', { email, role: 'vendor' })).status).toBe(202);
    const mail = await messagesTo(dataDir, email);
    expect(mail).toHaveLength(1);
    const tokens = [...mail[0]!.text.matchAll(/\/app\/sign-in#token=([A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    expect(tokens).toHaveLength(2);
    expect(mail[0]!.text).toContain('Sign in to the Acme dashboard');

    const sessions = [];
    for (const token of tokens) sessions.push((await call('POST', '/v1/auth/session', { token })).body);
    expect(sessions.map((s) => [s.vendor_id, s.vendor_role])).toEqual([
      [first.vendor_id, 'owner'],
      [second.vendor_id, 'manager'],
    ]);
    const { rows } = await f.db.sql.query<{ status: string }>(`SELECT status FROM vendor_users WHERE vendor_user_id = :id::integer`, { id: invited.body.vendor_user_id });
    expect(rows[0]!.status).toBe('active');
    const audit = await f.db.sql.query<{ action: string }>(`SELECT action FROM audit_logs WHERE entity_type = 'vendor_users' AND entity_id = :id::bigint ORDER BY audit_log_id`, { id: invited.body.vendor_user_id });
    expect(audit.rows.map((r) => r.action)).toEqual(['invite', 'accept_invitation']);
  });
});
