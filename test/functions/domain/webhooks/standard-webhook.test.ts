/**
 * Outbound signing against the outside truth: the Standard Webhooks specification's test vector
 * and the `standardwebhooks` package's own verifier (what vendors run), for many random secrets,
 * ids, timestamps and bodies. The verifier reads the wall clock, so each check pins the system
 * clock to the signed timestamp (deterministic: the timestamp is the property's input).
 */
import fc from 'fast-check';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  formatStandardWebhookSecret,
  isUsableStandardWebhookSecret,
  signStandardWebhook,
  WebhookSignatureError,
} from '../../../../functions/domain/webhooks/index.js';

afterEach(() => {
  vi.useRealTimers();
});

/** The library's verify at the instant `seconds` (its tolerance is 5 minutes around Date.now()). */
function verifyAt(seconds: number, secret: string, body: string, headers: Record<string, string>): unknown {
  vi.useFakeTimers({ now: seconds * 1000 });
  try {
    return new Webhook(secret).verify(body, headers);
  } finally {
    vi.useRealTimers();
  }
}

const keyBytes = fc.uint8Array({ minLength: 24, maxLength: 64 });
const messageId = fc.oneof(fc.uuid(), fc.stringMatching(/^msg_[A-Za-z0-9]{1,40}$/));
const unixSeconds = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 });
/** Bodies with any code point (emoji, RTL, NUL): the HMAC is over the UTF-8 bytes on both sides. */
const jsonBody = fc.jsonValue({ stringUnit: 'binary' }).map((value) => JSON.stringify({ type: 'conversion.created', data: value }));

describe('Standard Webhooks signing (standardwebhooks package)', () => {
  it('matches the specification test vector', () => {
    expect(
      signStandardWebhook({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
    ).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('what we sign, new Webhook(secret).verify(body, headers) accepts (random secrets, ids, times, bodies)', () => {
    fc.assert(
      fc.property(keyBytes, messageId, unixSeconds, jsonBody, (key, id, seconds, body) => {
        const secret = formatStandardWebhookSecret(key);
        const headers = signStandardWebhook({ id, timestamp: new Date(seconds * 1000 + 999), body, secret });
        expect(headers['webhook-timestamp']).toBe(String(seconds));
        expect(verifyAt(seconds, secret, body, { ...headers })).toEqual(JSON.parse(body));
      }),
      { numRuns: 300 },
    );
  });

  it('the library refuses what we sign when a byte of the body, the id or the key differs', () => {
    fc.assert(
      fc.property(keyBytes, messageId, unixSeconds, jsonBody, (key, id, seconds, body) => {
        const secret = formatStandardWebhookSecret(key);
        const headers = signStandardWebhook({ id, timestamp: seconds, body, secret });
        const otherKey = Uint8Array.from(key, (b, i) => (i === 0 ? b ^ 1 : b));
        expect(() => verifyAt(seconds, secret, `${body} `, { ...headers })).toThrow(WebhookVerificationError);
        expect(() => verifyAt(seconds, secret, body, { ...headers, 'webhook-id': `${id}x` })).toThrow(WebhookVerificationError);
        expect(() => verifyAt(seconds, formatStandardWebhookSecret(otherKey), body, { ...headers })).toThrow(WebhookVerificationError);
      }),
      { numRuns: 100 },
    );
  });

  it('a retry signed 10 minutes later verifies at its own time, not at the first attempt\'s', () => {
    const secret = formatStandardWebhookSecret(new Uint8Array(32).fill(7));
    const body = '{"type":"conversion.approved"}';
    const later = signStandardWebhook({ id: 'msg_1', timestamp: 1_700_000_600, body, secret });
    expect(verifyAt(1_700_000_600, secret, body, { ...later })).toEqual({ type: 'conversion.approved' });
    expect(() => verifyAt(1_700_000_000, secret, body, { ...later })).toThrow(/too new/);
  });

  it('issues secrets only in the library format: whsec_ + padded standard base64 of 24-64 bytes', () => {
    fc.assert(
      fc.property(keyBytes, (key) => {
        const secret = formatStandardWebhookSecret(key);
        expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
        expect(isUsableStandardWebhookSecret(secret)).toBe(true);
      }),
    );
    expect(() => formatStandardWebhookSecret(new Uint8Array(23))).toThrow(RangeError);
    expect(() => formatStandardWebhookSecret(new Uint8Array(65))).toThrow(RangeError);
  });

  it('a secret the library refuses (the old base64url ones) cannot sign: a typed error, not a bad signature', () => {
    const base64url = 'whsec_' + Buffer.from(new Uint8Array(24).fill(0xfb)).toString('base64url');
    expect(base64url).toMatch(/[-_]/);
    expect(isUsableStandardWebhookSecret(base64url)).toBe(false);
    for (const secret of [base64url, 'whsec_', 'whsec_abc', 'whsec_not base64!']) {
      let error: unknown;
      try {
        signStandardWebhook({ id: 'msg_1', timestamp: 1, body: '{}', secret });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(WebhookSignatureError);
      expect((error as WebhookSignatureError).reason).toBe('invalid_secret');
    }
  });
});
