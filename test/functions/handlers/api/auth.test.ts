import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createPowertoolsSecretReader } from '../../../../functions/adapters/aws/powertools-secret-reader.js';
import { auditRows, createPartner, createVendor, expectProblem, campaignBody } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const hour = 3_600_000;
const day = 24 * hour;

const f = useApiFixture();

describe('authentication', () => {
  it('answers 401 problem+json for missing, malformed, unknown and revoked keys', async () => {
    const vendor = await createVendor(f.api);
    const missing = await f.api.get('/v1/campaigns');
    expectProblem(missing, 401);
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    expectProblem(await f.api.get('/v1/campaigns', { headers: { authorization: `Basic ${vendor.key}` } }), 401);
    expectProblem(await f.api.get('/v1/campaigns', { token: 'vk_short' }), 401);
    expectProblem(await f.api.get('/v1/campaigns', { token: `vk_${'A'.repeat(43)}` }), 401);
    // A vendor key with a partner prefix is not that key.
    expectProblem(await f.api.get('/v1/campaigns', { token: `pk_${vendor.key.slice(3)}` }), 401);
    expect((await f.api.get('/v1/campaigns', { token: vendor.key })).status).toBe(200);

    const keys = await f.api.get('/v1/api-keys', { token: vendor.key });
    expect(keys.body.data[0].last_used_at).toBe(f.clock.now.toISOString());
    expect(keys.body.data).toHaveLength(1);
    expect(keys.body.data[0].key_prefix).toBe(vendor.key.slice(0, 9));
    expect(JSON.stringify(keys.body)).not.toContain(vendor.key);
    const revoke = await f.api.delete(`/v1/api-keys/${keys.body.data[0].api_key_id}`, { token: vendor.key });
    expect(revoke.status).toBe(204);
    expectProblem(await f.api.get('/v1/campaigns', { token: vendor.key }), 401);
    expect((await auditRows(f.db, 'api_keys', keys.body.data[0].api_key_id)).map((a) => a.action)).toEqual(['create', 'revoke']);
  });

  it('route kinds: a partner key on a vendor route and a vendor key on a partner route are 403', async () => {
    const vendor = await createVendor(f.api);
    const partner = await createPartner(f.api);
    expectProblem(await f.api.get('/v1/campaigns', { token: partner.key }), 403);
    expectProblem(await f.api.get('/v1/partner/links', { token: vendor.key }), 403);
  });
});

describe('rotation and expiry', () => {
  it('old and new keys both work during the 24 h grace period, then only the new one', async () => {
    const vendor = await createVendor(f.api);
    const rotated = await f.api.post('/v1/api-keys/rotate', undefined, { token: vendor.key });
    expect(rotated.status).toBe(201);
    const fresh: string = rotated.body.api_key;
    expect(fresh).toMatch(/^vk_/);
    expect(fresh).not.toBe(vendor.key);
    expect(Date.parse(rotated.body.previous_expires_at) - f.clock.now.getTime()).toBe(24 * hour);

    expect((await f.api.get('/v1/campaigns', { token: vendor.key })).status).toBe(200);
    expect((await f.api.get('/v1/campaigns', { token: fresh })).status).toBe(200);
    expectProblem(await f.api.post('/v1/api-keys/rotate', undefined, { token: vendor.key }), 409);

    f.clock.advance(24 * hour - 1);
    expect((await f.api.get('/v1/campaigns', { token: vendor.key })).status).toBe(200);
    f.clock.advance(1);
    expectProblem(await f.api.get('/v1/campaigns', { token: vendor.key }), 401);
    expect((await f.api.get('/v1/campaigns', { token: fresh })).status).toBe(200);

    const audit = await auditRows(f.db, 'api_keys', rotated.body.previous_api_key_id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'rotate']);
  });

  it('partners rotate too', async () => {
    const partner = await createPartner(f.api);
    const rotated = await f.api.post('/v1/api-keys/rotate', undefined, { token: partner.key });
    expect(rotated.body.api_key).toMatch(/^pk_/);
    expect((await f.api.get('/v1/partner/links', { token: rotated.body.api_key })).status).toBe(200);
    expect((await f.api.get('/v1/partner/links', { token: partner.key })).status).toBe(200);
  });

  it('keys expire after 90 days (enforced), with Deprecation/Sunset warnings from day 80', async () => {
    const vendor = await createVendor(f.api);
    const early = await f.api.get('/v1/campaigns', { token: vendor.key });
    expect(early.headers.deprecation).toBeUndefined();
    f.clock.advance(80 * day + hour);
    const warned = await f.api.get('/v1/campaigns', { token: vendor.key });
    expect(warned.status).toBe(200);
    expect(warned.headers.deprecation).toMatch(/^@\d+$/);
    expect(warned.headers.sunset).toMatch(/GMT$/);
    f.clock.advance(10 * day);
    expectProblem(await f.api.get('/v1/campaigns', { token: vendor.key }), 401);
  });
});

describe('roles and vendor users', () => {
  it('applies the permission matrix: member reads, manager manages campaigns, admin manages users, owner manages admins', async () => {
    const owner = await createVendor(f.api);
    const invite = async (token: string, role: string) => f.api.post('/v1/vendor-users', { email: `${role}-${Math.random()}@acme.test`, name: role, role }, { token });

    const adminRes = await invite(owner.key, 'admin');
    expect(adminRes.status).toBe(201);
    expect(adminRes.body).toMatchObject({ role: 'admin', status: 'pending', invited_by: owner.vendor_user_id });
    expect(adminRes.body.api_key).toMatch(/^vk_/);
    const admin = adminRes.body.api_key as string;

    const manager = (await invite(admin, 'manager')).body.api_key as string;
    const member = (await invite(admin, 'member')).body.api_key as string;
    expectProblem(await invite(admin, 'admin'), 403);
    expectProblem(await invite(admin, 'owner'), 403);
    expectProblem(await invite(manager, 'member'), 403);

    expect((await f.api.get('/v1/campaigns', { token: member })).status).toBe(200);
    expectProblem(await f.api.post('/v1/campaigns', campaignBody(), { token: member }), 403);
    const created = await f.api.post('/v1/campaigns', campaignBody(), { token: manager });
    expect(created.status).toBe(201);
    expectProblem(await f.api.post(`/v1/campaigns/${created.body.campaign_id}/pause`, {}, { token: member }), 403);
    expect((await f.api.post(`/v1/campaigns/${created.body.campaign_id}/pause`, {}, { token: manager })).status).toBe(200);

    // The invited admin's first request accepted the invitation.
    const adminUser = await f.api.get(`/v1/vendor-users/${adminRes.body.vendor_user_id}`, { token: member });
    expect(adminUser.body).toMatchObject({ status: 'active' });
    expect(adminUser.body.joined_at).not.toBeNull();
    expect((await auditRows(f.db, 'vendor_users', adminRes.body.vendor_user_id)).map((a) => a.action)).toEqual(['invite', 'accept_invitation']);
  });

  it('changes roles and removes users within the rules', async () => {
    const owner = await createVendor(f.api);
    const a = await f.api.post('/v1/vendor-users', { email: 'a@acme.test', name: 'A', role: 'admin' }, { token: owner.key });
    const m = await f.api.post('/v1/vendor-users', { email: 'm@acme.test', name: 'M', role: 'member' }, { token: owner.key });
    expectProblem(await f.api.post('/v1/vendor-users', { email: 'A@acme.test', name: 'dup', role: 'member' }, { token: owner.key }), 409);
    expectProblem(await f.api.post('/v1/vendor-users', { email: 'x@acme.test', name: 'X', role: 'superuser' }, { token: owner.key }), 400);

    const promoted = await f.api.patch(`/v1/vendor-users/${m.body.vendor_user_id}`, { role: 'manager' }, { token: a.body.api_key });
    expect(promoted.body.role).toBe('manager');
    expectProblem(await f.api.patch(`/v1/vendor-users/${m.body.vendor_user_id}`, { role: 'admin' }, { token: a.body.api_key }), 403);
    expectProblem(await f.api.patch(`/v1/vendor-users/${owner.vendor_user_id}`, { role: 'member' }, { token: a.body.api_key }), 403);
    expectProblem(await f.api.patch(`/v1/vendor-users/${owner.vendor_user_id}`, { role: 'admin' }, { token: owner.key }), 409);
    expectProblem(await f.api.delete(`/v1/vendor-users/${owner.vendor_user_id}`, { token: owner.key }), 409);

    expect((await f.api.delete(`/v1/vendor-users/${m.body.vendor_user_id}`, { token: a.body.api_key })).status).toBe(204);
    expectProblem(await f.api.get('/v1/campaigns', { token: m.body.api_key }), 401);
    expectProblem(await f.api.get(`/v1/vendor-users/${m.body.vendor_user_id}`, { token: owner.key }), 404);
    expect((await auditRows(f.db, 'vendor_users', m.body.vendor_user_id)).map((x) => x.action)).toEqual(['invite', 'update', 'delete']);

    const extra = await f.api.post(`/v1/vendor-users/${a.body.vendor_user_id}/api-keys`, undefined, { token: owner.key });
    expect(extra.status).toBe(201);
    expect((await f.api.get('/v1/vendor-users', { token: extra.body.api_key })).status).toBe(200);
    const all = await f.api.get('/v1/api-keys', { token: owner.key });
    expect(all.body.data.length).toBeGreaterThanOrEqual(3);
  });
});

describe('the operator token from Secrets Manager (as deployed)', () => {
  it('accepts the rotated-in token and, for the grace period, the rotated-out one on an admin route; refuses others', async () => {
    const secretsManager = mockClient(SecretsManagerClient);
    const secretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/affiliate/admin-token-AbCdEf';
    const rotatedAt = f.clock.now;
    secretsManager.on(GetSecretValueCommand, { SecretId: secretId, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: 'RotatedInOperatorToken0123456789abcdefghijklmn', CreatedDate: rotatedAt });
    secretsManager.on(GetSecretValueCommand, { SecretId: secretId, VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: 'RotatedOutOperatorToken0123456789abcdefghijklm', CreatedDate: new Date('2026-01-01T00:00:00Z') });
    const { config } = f.deps;
    const saved = { adminToken: config.adminToken, secretReader: f.deps.secretReader };
    // As the Lambda is configured: the secret's ARN, no plain token.
    Object.assign(config, { adminToken: undefined, adminTokenSecretId: secretId });
    f.deps.secretReader = createPowertoolsSecretReader({ client: new SecretsManagerClient({ region: 'eu-west-1' }) });
    try {
      const partners = (token: string) => f.api.get('/v1/admin/partners?limit=1', { token });
      expect((await partners('RotatedInOperatorToken0123456789abcdefghijklmn')).status).toBe(200);
      expect((await partners('RotatedOutOperatorToken0123456789abcdefghijklm')).status).toBe(200);
      expectProblem(await partners('test-admin-token-0123456789'), 401);
      f.clock.advance(15 * 60_000);
      expectProblem(await partners('RotatedOutOperatorToken0123456789abcdefghijklm'), 401);
      expect((await partners('RotatedInOperatorToken0123456789abcdefghijklmn')).status).toBe(200);
      // Five requests, one read per stage: the cache serves the rest.
      expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    } finally {
      Object.assign(config, { adminToken: saved.adminToken, adminTokenSecretId: undefined });
      f.deps.secretReader = saved.secretReader;
      secretsManager.restore();
    }
  });
});
