import { describe, expect, it } from 'vitest';
import { parseUserAgent } from '../../../../functions/domain/clicks/parse-user-agent.js';

describe('parseUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
      { deviceType: 'desktop', browser: 'Chrome 124.0.0.0', os: 'Windows 10' },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      { deviceType: 'mobile', browser: 'Mobile Safari 17.4', os: 'iOS 17.4' },
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1',
      { deviceType: 'tablet', browser: 'Mobile Safari 16.0', os: 'iOS 16.0' },
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0',
      { deviceType: 'desktop', browser: 'Firefox 125.0', os: 'Mac OS 14.4' },
    ],
    [
      'Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager',
      { deviceType: 'other' },
    ],
  ])('%s', (ua, expected) => {
    expect(parseUserAgent(ua)).toMatchObject(expected);
  });

  it('returns nulls for a missing user agent', () => {
    expect(parseUserAgent(null)).toEqual({ deviceType: 'other', browser: null, os: null });
  });
});
