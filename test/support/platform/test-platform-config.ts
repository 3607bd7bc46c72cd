import type { PlatformConfig } from '../../../functions/platform/composition-root.js';

/** A platform config for handlers whose tables and queues a test does not reach: placeholder names, no queue URLs, the test short-link domain. */
export function testPlatformConfig(overrides: Partial<PlatformConfig> = {}): PlatformConfig {
  return {
    tableNames: { links: 'links', clicks: 'clicks' },
    queueUrls: { clicks: '', conversions: '', notifications: '' },
    publicBaseUrl: 'https://go.example.test',
    repeatClickWindowSeconds: 3600,
    ...overrides,
  };
}
