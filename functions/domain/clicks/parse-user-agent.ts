import UAParser from 'ua-parser-js';

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'other';

export interface UserAgentDetails {
  deviceType: DeviceType;
  /** "Name Version" (major.minor as reported), or just the name, or null. */
  browser: string | null;
  /** "Name Version", or just the name, or null. */
  os: string | null;
}

function nameAndVersion(name: string | undefined, version: string | undefined, maxLength: number): string | null {
  if (!name) return null;
  return (version ? `${name} ${version}` : name).slice(0, maxLength);
}

/**
 * Parsing is the redirect's most expensive step, and a few hundred user agents make most of the
 * traffic: results are memoised, bounded (a full memo starts over rather than tracking recency).
 * The result depends only on the string, so this keeps the function pure.
 */
const MEMO_LIMIT = 1_000;
const memo = new Map<string, UserAgentDetails>();

/**
 * Device type, browser and OS from a user agent (ua-parser-js). ua-parser reports no device type
 * for desktops, so "no type" is desktop; consoles, smart TVs and embedded devices are `other`.
 */
export function parseUserAgent(userAgent: string | null | undefined): UserAgentDetails {
  if (!userAgent) return { deviceType: 'other', browser: null, os: null };
  const known = memo.get(userAgent);
  if (known) return { ...known };
  const details = parse(userAgent);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(userAgent, details);
  return { ...details };
}

function parse(userAgent: string): UserAgentDetails {
  const result = new UAParser(userAgent).getResult();
  const type = result.device.type;
  const deviceType: DeviceType =
    type === undefined ? 'desktop' : type === 'mobile' || type === 'wearable' ? 'mobile' : type === 'tablet' ? 'tablet' : 'other';
  return {
    deviceType,
    browser: nameAndVersion(result.browser.name, result.browser.version, 100),
    os: nameAndVersion(result.os.name, result.os.version, 100),
  };
}
