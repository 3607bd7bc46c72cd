/**
 * The caller's address behind the web app's CloudFront: API Gateway's source address is then an
 * edge's, so the API takes the viewer's own (`True-Client-IP`, written by the distribution's
 * viewer-request function) — but only on a request carrying the origin-verify secret CloudFront
 * adds. The audit trail is where a user sees it.
 */
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../../../functions/handlers/management-api.js';
import { createApiClient, type ApiClient } from '../../../support/platform/api-client.js';
import { createCampaign, createVendor } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const EDGE = '130.176.0.1';
const f = useApiFixture();

function behindCloudFront(): ApiClient {
  return createApiClient(
    createHandler({ ...f.deps, originVerifySecrets: { read: async () => ({ current: { value: 's3cret-current', createdAt: new Date('2026-01-01T00:00:00Z') } }) } }),
  );
}

async function lastAuditAddress(): Promise<string | null> {
  const { rows } = await f.db.sql.query<{ ip: string | null }>(`SELECT host(ip_address) AS ip FROM audit_logs ORDER BY audit_log_id DESC LIMIT 1`);
  return rows[0]!.ip;
}

describe('the caller address of an API request', () => {
  it.each([
    ['the secret CloudFront adds: the viewer address', { 'x-origin-verify': 's3cret-current', 'true-client-ip': '2001:db8::77' }, '2001:db8::77'],
    ['the secret and an IPv4 viewer', { 'x-origin-verify': 's3cret-current', 'true-client-ip': '198.51.100.23' }, '198.51.100.23'],
    ['a wrong secret: the connection', { 'x-origin-verify': 'guess', 'true-client-ip': '2001:db8::77' }, EDGE],
    ['no secret (a caller writing the header itself): the connection', { 'true-client-ip': '2001:db8::77' }, EDGE],
  ])('with %s', async (_name, headers, expected) => {
    const api = behindCloudFront();
    const vendor = await createVendor(f.api);
    const campaign = await createCampaign(f.api, vendor.key);
    const renamed = await api.patch(`/v1/campaigns/${campaign.campaign_id}`, { name: 'Renamed' }, { token: vendor.key, sourceIp: EDGE, headers });
    expect(renamed.status).toBe(200);
    expect(await lastAuditAddress()).toBe(expected);
  });

  it('without an origin-verify secret configured (the API called directly), believes only the connection', async () => {
    const vendor = await createVendor(f.api);
    const campaign = await createCampaign(f.api, vendor.key);
    await f.api.patch(`/v1/campaigns/${campaign.campaign_id}`, { name: 'Renamed' }, { token: vendor.key, sourceIp: '203.0.113.9', headers: { 'x-origin-verify': 's3cret-current', 'true-client-ip': '2001:db8::77' } });
    expect(await lastAuditAddress()).toBe('203.0.113.9');
  });
});
