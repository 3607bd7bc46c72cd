import { describe, expect, it } from 'vitest';
import { platformConfigFromEnv, sqlExecutorFromEnv } from '../../../functions/platform/composition-root.js';
import { createTestDatabase, isPostgresReachable, postgresServerUrl } from '../../support/database/test-database.js';

const serverUrl = process.env.TEST_POSTGRES_URL ?? postgresServerUrl;
const postgresReachable = await isPostgresReachable(serverUrl);

describe('platformConfigFromEnv', () => {
  it('defaults the short-link base, the repeat window and the declared table names', () => {
    const config = platformConfigFromEnv({});
    expect(config.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(config.repeatClickWindowSeconds).toBe(3600);
    expect(config.tableNames).toEqual({ links: 'links', clicks: 'clicks' });
    expect(config.adminToken).toBeUndefined();
  });

  it('takes physical names and queue URLs from the declared variables and trims the base URL', () => {
    const config = platformConfigFromEnv({
      PUBLIC_BASE_URL: 'https://go.example.com/',
      LINKS_TABLE: 'prod-links',
      CLICKS_QUEUE_URL: 'https://sqs.example/123/clicks',
      REPEAT_CLICK_WINDOW_SECONDS: '120',
      ADMIN_TOKEN: 'secret',
    });
    expect(config.publicBaseUrl).toBe('https://go.example.com');
    expect(config.tableNames.links).toBe('prod-links');
    expect(config.queueUrls.clicks).toBe('https://sqs.example/123/clicks');
    expect(config.repeatClickWindowSeconds).toBe(120);
    expect(config.adminToken).toBe('secret');
  });

  it('ALLOW_LOOPBACK_WEBHOOKS=true allows loopback receivers off AWS only: inside Lambda it is read as false', () => {
    expect(platformConfigFromEnv({}).allowLoopbackWebhooks).toBe(false);
    expect(platformConfigFromEnv({ ALLOW_LOOPBACK_WEBHOOKS: 'true' }).allowLoopbackWebhooks).toBe(true);
    expect(platformConfigFromEnv({ ALLOW_LOOPBACK_WEBHOOKS: 'true', AWS_LAMBDA_FUNCTION_NAME: 'prod-managementApi' }).allowLoopbackWebhooks).toBe(false);
    expect(() => platformConfigFromEnv({ ALLOW_LOOPBACK_WEBHOOKS: 'yes' })).toThrow('ALLOW_LOOPBACK_WEBHOOKS');
  });

  it.each([
    ['PUBLIC_BASE_URL', 'not a url'],
    ['REPEAT_CLICK_WINDOW_SECONDS', '-1'],
    ['REPEAT_CLICK_WINDOW_SECONDS', '1.5'],
  ])('names %s when its value %j is invalid', (name, value) => {
    expect(() => platformConfigFromEnv({ [name]: value })).toThrow(name);
  });
});

describe('sqlExecutorFromEnv', () => {
  it('refuses to start without a database, naming the variables to set', () => {
    expect(() => sqlExecutorFromEnv({})).toThrow(/DB_CLUSTER_ARN.*DATABASE_URL/);
  });

  it('loads the adapter on the first statement and reports an unreachable database then', async () => {
    const sql = sqlExecutorFromEnv({ DATABASE_URL: 'postgres://nobody:wrong@127.0.0.1:1/none' });
    await expect(sql.query('SELECT 1')).rejects.toThrow();
  });

  it.skipIf(!postgresReachable)('runs every statement as DB_ROLE when given with DATABASE_URL (a consumer process run locally)', async () => {
    const db = await createTestDatabase({ engine: 'postgres', serverUrl });
    try {
      const sql = sqlExecutorFromEnv({ DATABASE_URL: db.url!, DB_ROLE: 'affiliate_webhooks' });
      const { rows } = await sql.query<{ who: string }>('SELECT current_user AS who');
      expect(rows).toEqual([{ who: 'affiliate_webhooks' }]);
      await expect(sql.query('SELECT count(*) FROM payouts')).rejects.toMatchObject({ code: '42501' });
      const unchanged = sqlExecutorFromEnv({ DATABASE_URL: db.url! });
      expect((await unchanged.query<{ who: string }>('SELECT current_user AS who')).rows[0]!.who).not.toBe('affiliate_webhooks');
      await Promise.all([sql, unchanged].map((executor) => (executor as { close?: () => Promise<void> }).close?.()));
    } finally {
      await db.close();
    }
  });
});
