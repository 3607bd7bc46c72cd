import { describe, expect, it } from 'vitest';
import { validateWebhookUrl } from '../../../../functions/domain/notifications/validate-webhook-url.js';

const onAws = { allowLoopback: false };
const local = { allowLoopback: true };

describe('validateWebhookUrl', () => {
  it.each([
    ['https://hooks.acme.test/affiliate', undefined],
    ['https://93.184.216.34/hook', undefined],
    ['https://[2606:4700::1111]/hook', undefined],
    ['https://hooks.example.com./hook', undefined],
    ['http://hooks.acme.test/affiliate', 'must use https'],
    ['ftp://hooks.acme.test/', 'must use https'],
    ['not a url', 'must be an absolute URL'],
    ['https://user:pass@hooks.acme.test/', 'must not contain credentials (user:password@)'],
    ['https://token@hooks.acme.test/', 'must not contain credentials (user:password@)'],
    ['https://127.0.0.1/hook', 'must not target a private, loopback or link-local address'],
    // WHATWG URL normalises these to 127.0.0.1 before we look.
    ['https://2130706433/hook', 'must not target a private, loopback or link-local address'],
    ['https://0x7f.1/hook', 'must not target a private, loopback or link-local address'],
    ['https://[::1]/hook', 'must not target a private, loopback or link-local address'],
    ['https://[::ffff:127.0.0.1]/hook', 'must not target a private, loopback or link-local address'],
    ['https://10.0.0.5/hook', 'must not target a private, loopback or link-local address'],
    ['https://192.168.1.1/hook', 'must not target a private, loopback or link-local address'],
    ['https://169.254.169.254/latest/meta-data', 'must not target a private, loopback or link-local address'],
    ['https://[fe80::1]/hook', 'must not target a private, loopback or link-local address'],
    ['https://[fd00::1]/hook', 'must not target a private, loopback or link-local address'],
    ['https://localhost/hook', 'must not target a private, loopback or link-local address'],
    ['https://api.localhost/hook', 'must not target a private, loopback or link-local address'],
    ['https://intranet/hook', 'must be a public host name'],
  ])('on AWS: %s -> %s', (url, expected) => {
    expect(validateWebhookUrl(url, onAws)).toBe(expected);
  });

  it.each([
    ['http://127.0.0.1:4000/hooks', undefined],
    ['http://localhost:4000/hooks', undefined],
    ['http://[::1]:4000/hooks', undefined],
    ['https://hooks.acme.test/affiliate', undefined],
    ['http://hooks.acme.test/affiliate', undefined],
    ['http://10.0.0.5/hook', 'must not target a private, loopback or link-local address'],
    ['http://169.254.169.254/', 'must not target a private, loopback or link-local address'],
    ['http://user:pass@127.0.0.1/', 'must not contain credentials (user:password@)'],
    ['ftp://127.0.0.1/', 'must use https (or http for a local receiver)'],
  ])('locally (ALLOW_LOOPBACK_WEBHOOKS): %s -> %s', (url, expected) => {
    expect(validateWebhookUrl(url, local)).toBe(expected);
  });
});
