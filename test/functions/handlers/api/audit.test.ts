import { describe, expect, it } from 'vitest';
import { createCampaign, createLink, createPartner, createVendor, enroll } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const f = useApiFixture();

describe('audit_logs', () => {
  it('records every mutation with actor, changes and the caller IP', async () => {
    const vendor = await createVendor(f.api);
    const partner = await createPartner(f.api);
    const campaign = await createCampaign(f.api, vendor.key);
    const secretsShown = [vendor.key, partner.key];
    await f.api.patch(`/v1/campaigns/${campaign.campaign_id}`, { name: 'Renamed' }, { token: vendor.key, sourceIp: '2001:db8::5' });
    const cp = await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
    const link = await createLink(f.api, partner.key, campaign.campaign_id);
    await f.api.delete(`/v1/partner/links/${link.partner_link_id}`, { token: partner.key });
    await f.api.post(`/v1/campaign-partners/${cp}/remove`, {}, { token: vendor.key });

    const { rows } = await f.db.sql.query<{ entity_type: string; action: string; actor_type: string; ip_address: string }>(
      `SELECT entity_type, action, actor_type, host(ip_address) AS ip_address FROM audit_logs ORDER BY audit_log_id`,
    );
    expect(rows.map((r) => `${r.entity_type}:${r.action}:${r.actor_type}`)).toEqual([
      'vendors:create:admin',
      'vendor_users:create:admin',
      'api_keys:create:admin',
      'partners:create:admin',
      'api_keys:create:admin',
      'campaigns:create:vendor_user',
      'campaigns:new_version:vendor_user',
      'campaign_partners:create:vendor_user',
      'partner_links:create:partner',
      'partner_links:delete:partner',
      'campaign_partners:remove:vendor_user',
    ]);
    expect(rows[6]!.ip_address).toBe('2001:db8::5');
    expect(rows.every((r) => r.ip_address !== null)).toBe(true);
    const secrets = await f.db.sql.query<{ changes: unknown }>('SELECT changes FROM audit_logs');
    const stored = JSON.stringify(secrets.rows);
    for (const secret of secretsShown) expect(stored).not.toContain(secret.slice(9));
    expect(stored).not.toContain('whsec_');
  });

  it('refuses UPDATE and DELETE on audit_logs (insert-only, enforced by the database)', async () => {
    await expect(f.db.sql.query(`UPDATE audit_logs SET reason = 'tampered'`)).rejects.toThrow(/insert-only/);
    await expect(f.db.sql.query(`DELETE FROM audit_logs`)).rejects.toThrow(/insert-only/);
    const { rows } = await f.db.sql.query<{ n: number }>(`SELECT COUNT(*)::integer AS n FROM audit_logs WHERE reason = 'tampered'`);
    expect(rows[0]!.n).toBe(0);
  });

  it('a failed request leaves no audit row (same transaction)', async () => {
    const before = await f.db.sql.query<{ n: number }>('SELECT COUNT(*)::integer AS n FROM audit_logs');
    const vendor = await createVendor(f.api);
    const after = await f.db.sql.query<{ n: number }>('SELECT COUNT(*)::integer AS n FROM audit_logs');
    const campaign = await createCampaign(f.api, vendor.key);
    await f.api.post(`/v1/campaigns/${campaign.campaign_id}/partners`, { partner_id: 424242 }, { token: vendor.key });
    const final = await f.db.sql.query<{ n: number }>('SELECT COUNT(*)::integer AS n FROM audit_logs');
    expect(after.rows[0]!.n - before.rows[0]!.n).toBe(3);
    expect(final.rows[0]!.n - after.rows[0]!.n).toBe(1); // the campaign's create only
  });
});
