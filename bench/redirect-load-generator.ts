/**
 * A small, bounded loopback load generator: `concurrency` keep-alive connections each sending the
 * next request as soon as the previous answer is read, for a fixed duration after a warm-up.
 * Used by every redirect benchmark so subject and baseline are measured the same way.
 */
import http from 'node:http';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<number, number>;
}

export interface LoadOptions {
  url: string;
  concurrency?: number;
  durationMs?: number;
  warmupMs?: number;
  /** Per-request headers (e.g. a distinct visitor address per request). */
  headers?: (index: number) => Record<string, string>;
  /** Stop after this many requests even if the duration has not elapsed. */
  maxRequests?: number;
}

function once(agent: http.Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { agent, method: 'GET', headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end();
  });
}

export async function runLoad({ url, concurrency = 32, durationMs = 5_000, warmupMs = 1_000, headers = () => ({}), maxRequests = Infinity }: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let index = 0;
  const run = async (ms: number, record: boolean) => {
    const latencies: number[] = [];
    const statuses: Record<number, number> = {};
    const deadline = performance.now() + ms;
    let sent = 0;
    const limit = record ? maxRequests : Infinity;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline && sent < limit) {
          sent += 1;
          const started = performance.now();
          const status = await once(agent, url, headers(index++));
          if (record) {
            latencies.push(performance.now() - started);
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
        }
      }),
    );
    return { latencies, statuses };
  };
  await run(warmupMs, false);
  const started = performance.now();
  const { latencies, statuses } = await run(durationMs, true);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), statuses };
}

/**
 * A distinct, valid visitor per request: CloudFront's viewer address and a browser user agent,
 * with the origin-verify value that makes the redirect believe the address (the local platform's
 * `originVerifySecret`; without it every request is the same loopback visitor).
 */
export function visitorHeaders(index: number, originVerifySecret?: string): Record<string, string> {
  return {
    ...(originVerifySecret ? { 'x-origin-verify': originVerifySecret } : {}),
    // The index goes in the first three octets: the repeat check hashes the /24, not the full address.
    'cloudfront-viewer-address': `${11 + ((index >> 16) & 63)}.${(index >> 8) & 255}.${index & 255}.7:443`,
    'cloudfront-viewer-country': 'DE',
    'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  };
}

export function formatLoad(name: string, result: LoadResult): string {
  return `${name.padEnd(34)} ${result.perSecond.toFixed(0).padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  (${result.requests} requests, statuses ${JSON.stringify(result.statuses)})`;
}
