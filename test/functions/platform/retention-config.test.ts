import { describe, expect, it } from 'vitest';
import { retentionEnvVars } from '../../../lib/resources.js';
import { defaultRetentionConfig, RetentionConfigError, retentionConfigFromEnv } from '../../../functions/platform/retention-config.js';
import { platformConfigFromEnv } from '../../../functions/platform/composition-root.js';

describe('retentionConfigFromEnv', () => {
  it("defaults to the data dictionary's ages: 7 years for money and audit, 2 years for activity, cookies 1 year past expiry", () => {
    expect(retentionConfigFromEnv({})).toEqual(defaultRetentionConfig);
    expect(defaultRetentionConfig).toMatchObject({
      conversionsDays: 2557,
      payoutsDays: 2557,
      auditLogsDays: 2557,
      clicksDays: 730,
      touchesDays: 730,
      funnelJourneysDays: 730,
      expiredCookiesDays: 365,
    });
    // 7 years of days: at least 7 x 365 and never short of the calendar's 7 years.
    expect(defaultRetentionConfig.auditLogsDays * 86_400_000).toBeGreaterThanOrEqual(Date.UTC(2033, 2, 1) - Date.UTC(2026, 2, 1));
  });

  it('reads every variable by its declared name; an empty one is unset', () => {
    const env = Object.fromEntries(Object.values(retentionEnvVars).map((name, i) => [name, String(100 + i)]));
    const config = retentionConfigFromEnv({ ...env, [retentionEnvVars.clickIpDays]: '' });
    expect(config.conversionsDays).toBe(100);
    expect(config.clickIpDays).toBe(defaultRetentionConfig.clickIpDays);
    expect(Object.keys(config).sort()).toEqual(Object.keys(retentionEnvVars).sort());
  });

  it.each(['0', '-5', '2.5', 'seven years', '100000'])('refuses %j naming the variable', (value) => {
    expect(() => retentionConfigFromEnv({ RETENTION_AUDIT_LOGS_DAYS: value })).toThrow(RetentionConfigError);
    expect(() => retentionConfigFromEnv({ RETENTION_AUDIT_LOGS_DAYS: value })).toThrow(/RETENTION_AUDIT_LOGS_DAYS/);
  });

  it('is validated once with the rest of the platform configuration (cold start)', () => {
    expect(platformConfigFromEnv({ RETENTION_CLICKS_DAYS: '400' }).retention?.clicksDays).toBe(400);
    expect(() => platformConfigFromEnv({ RETENTION_CLICKS_DAYS: 'soon' })).toThrow(/RETENTION_CLICKS_DAYS/);
  });
});
