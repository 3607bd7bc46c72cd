import { describe, expect, it } from 'vitest';
import {
  csrfTokenFor,
  csrfTokenMatches,
  generateSecretToken,
  hashSecretToken,
  isSecretTokenShape,
  parseOperatorEmails,
  sessionExpiries,
  slidIdleExpiry,
} from '../../../../functions/domain/auth/web-session.js';
import { platformConfigFromEnv } from '../../../../functions/platform/composition-root.js';

describe('web session secrets', () => {
  it('tokens are 32 random bytes in base64url, stored as SHA-256 hex', () => {
    const token = generateSecretToken(() => Buffer.alloc(32, 0xff));
    expect(token).toBe('_'.repeat(42) + '8');
    expect(isSecretTokenShape(token)).toBe(true);
    expect(isSecretTokenShape(`${token}=`)).toBe(false);
    // SHA-256("abc"), the FIPS 180-2 test vector.
    expect(hashSecretToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(new Set(Array.from({ length: 50 }, () => generateSecretToken())).size).toBe(50);
  });

  it('the CSRF token is derived from the cookie value: stable for a session, different for another', () => {
    const a = generateSecretToken();
    const b = generateSecretToken();
    expect(csrfTokenFor(a)).toBe(csrfTokenFor(a));
    expect(csrfTokenFor(a)).not.toBe(csrfTokenFor(b));
    expect(csrfTokenFor(a)).not.toContain(a);
    expect(csrfTokenMatches(a, csrfTokenFor(a))).toBe(true);
    expect(csrfTokenMatches(a, csrfTokenFor(b))).toBe(false);
    expect(csrfTokenMatches(a, undefined)).toBe(false);
    expect(csrfTokenMatches(a, '')).toBe(false);
  });

  it('idle expiry slides 30 minutes but never past the absolute 12 hours', () => {
    const start = new Date('2026-03-01T12:00:00.000Z');
    const { idleExpiresAt, expiresAt } = sessionExpiries(start);
    expect(idleExpiresAt.toISOString()).toBe('2026-03-01T12:30:00.000Z');
    expect(expiresAt.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(slidIdleExpiry(new Date('2026-03-01T20:00:00.000Z'), expiresAt).toISOString()).toBe('2026-03-01T20:30:00.000Z');
    expect(slidIdleExpiry(new Date('2026-03-01T23:45:00.000Z'), expiresAt).toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('OPERATOR_EMAILS: comma-separated, trimmed, lower-cased, blanks ignored; read by the composition root', () => {
    expect(parseOperatorEmails(' Ops@Example.com, ,cto@example.com,')).toEqual(['ops@example.com', 'cto@example.com']);
    expect(parseOperatorEmails(undefined)).toEqual([]);
    const config = platformConfigFromEnv({ OPERATOR_EMAILS: 'Ops@Example.com', APP_BASE_URL: 'https://app.example.com/', MAIL_FROM: 'no-reply@mail.example.com' });
    expect(config).toMatchObject({ operatorEmails: ['ops@example.com'], appBaseUrl: 'https://app.example.com', mailFrom: 'no-reply@mail.example.com' });
    expect(() => platformConfigFromEnv({ APP_BASE_URL: 'not a url' })).toThrow(/APP_BASE_URL/);
  });
});
