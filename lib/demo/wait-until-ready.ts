import { DemoStepError, type DemoHttp } from './demo-http.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for `GET /healthz` to answer 200: a platform on its first start (PGlite's initdb) answers
 * 503 for a while. Nothing listening throws PlatformUnreachableError at once ("npm start").
 */
export async function waitUntilReady(input: { http: DemoHttp; timeoutMs: number; pollMs?: number; onWaiting?: () => void }): Promise<void> {
  const deadline = Date.now() + input.timeoutMs;
  let told = false;
  for (;;) {
    const response = await input.http.fetch('/healthz');
    await response.body?.cancel();
    if (response.status === 200) return;
    if (Date.now() > deadline) {
      throw new DemoStepError(`the platform on ${input.http.baseUrl} is not ready after ${Math.round(input.timeoutMs / 1000)} s (GET /healthz answers ${response.status})`);
    }
    if (!told) input.onWaiting?.();
    told = true;
    await sleep(input.pollMs ?? 500);
  }
}
