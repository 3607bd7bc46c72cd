import { describe, expect, it } from 'vitest';
import { DemoStepError, type DemoHttp } from '../../../lib/demo/demo-http.js';
import { waitUntilReady } from '../../../lib/demo/wait-until-ready.js';

function answering(statuses: number[]): DemoHttp & { calls: number } {
  const fake = {
    baseUrl: 'http://demo.invalid',
    calls: 0,
    json: () => Promise.reject(new Error('not used')),
    fetch: async () => new Response('{}', { status: statuses[Math.min(fake.calls++, statuses.length - 1)] }),
  };
  return fake;
}

describe('waitUntilReady', () => {
  it('waits through 503s (a platform still starting), telling once', async () => {
    const http = answering([503, 503, 200]);
    let told = 0;
    await waitUntilReady({ http, timeoutMs: 5_000, pollMs: 1, onWaiting: () => (told += 1) });
    expect(http.calls).toBe(3);
    expect(told).toBe(1);
  });

  it('gives up after its timeout with the status it saw', async () => {
    await expect(waitUntilReady({ http: answering([503]), timeoutMs: 20, pollMs: 5 })).rejects.toThrow(
      new DemoStepError('the platform on http://demo.invalid is not ready after 0 s (GET /healthz answers 503)'),
    );
  });
});
