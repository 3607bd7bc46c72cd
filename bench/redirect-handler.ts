/**
 * Redirect handler cost: requests/s through the local HTTP gateway (lib/local) running the real
 * redirect (`createRedirect`) on in-memory adapters, against a bare node:http server answering the
 * same 302 + Set-Cookie. Each server runs in its own child process; the same load generator
 * drives all in the same run. A third server, the gateway around a handler returning a constant
 * 302, separates the local gateway's own cost from the redirect's. Every request is a new visitor, so every one is a counted click
 * (cookie minted, click id minted, marker, record, send): the redirect's most expensive path.
 *
 *   npx tsx bench/redirect-handler.ts [--duration=5000] [--concurrency=32]
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { createRedirect } from '../functions/handlers/redirect.js';
import type { LinkItem } from '../functions/ports/link-store.js';
import { createHttpGateway } from '../lib/local/http-gateway.js';
import { silentLog } from '../lib/local/local-log.js';
import { routes } from '../lib/resources.js';
import { createInMemoryClickQueue, createInMemoryClickStore, createInMemoryLinkStore } from './redirect-in-memory-adapters.js';
import { formatLoad, runLoad, visitorHeaders } from './redirect-load-generator.js';

/** Not a secret: the value this benchmark's CloudFront stand-in (the load generator) sends. */
const BENCH_ORIGIN_SECRET = 'bench-origin-verify';

const LINK: LinkItem = {
  short_code: 'bench1',
  partner_link_id: 1,
  campaign_partner_id: 1,
  partner_id: 1,
  vendor_id: 1,
  campaign_id: 1,
  campaign_version_id: 1,
  destination_url: 'https://shop.example.com/spring?ref=home',
  utm_params: { utm_source: 'partner_blog', utm_medium: 'referral', utm_campaign: 'spring' },
  custom_params: { placement: 'hero' },
  cookie_duration_days: 30,
  status: 'active',
  updated_at: '2024-01-01T00:00:00.000Z',
};

const LOCATION =
  'https://shop.example.com/spring?ref=home&placement=hero&utm_source=partner_blog&utm_medium=referral&utm_campaign=spring&aff_click_id=0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';

async function serve(kind: string): Promise<void> {
  let port: number;
  if (kind === 'baseline') {
    const server = http.createServer((request, response) => {
      request.resume();
      response.writeHead(302, {
        location: LOCATION,
        'cache-control': 'no-store',
        'set-cookie': 'aff_cid=8d0f1c52-3b4a-4f6e-9a1b-2c3d4e5f6a7b; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax',
        'content-length': '0',
      });
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as { port: number }).port;
  } else if (kind === 'gateway') {
    // The local gateway around a handler that returns a constant 302: the gateway's own share.
    const gateway = createHttpGateway({
      routes,
      invoke: async () => ({
        statusCode: 302,
        headers: { location: LOCATION, 'cache-control': 'no-store' },
        cookies: ['aff_cid=8d0f1c52-3b4a-4f6e-9a1b-2c3d4e5f6a7b; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax'],
        body: '',
      }),
      health: () => ({ ready: true, details: {} }),
      log: silentLog,
    });
    port = await gateway.listen(0);
  } else {
    const redirect = createRedirect({
      links: createInMemoryLinkStore([LINK]),
      clicks: createInMemoryClickStore(),
      queue: createInMemoryClickQueue(),
      config: { publicBaseUrl: 'http://127.0.0.1', repeatClickWindowSeconds: 3600 },
      now: () => new Date(),
      // The load plays CloudFront, so each request's viewer address is believed: a new visitor each.
      originVerify: { secrets: { read: async () => ({ current: { value: BENCH_ORIGIN_SECRET, createdAt: new Date(0) } }) }, graceSeconds: 0 },
    });
    const gateway = createHttpGateway({
      routes,
      invoke: async (_name, event) => redirect(event),
      health: () => ({ ready: true, details: {} }),
      log: silentLog,
    });
    port = await gateway.listen(0);
  }
  process.stdout.write(`${port}\n`);
}

async function startChild(kind: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), `--serve=${kind}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return { url: `http://127.0.0.1:${port}/bench1`, stop: () => child.kill() };
}

function arg(name: string, fallback: number): number {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
}

const serveArg = process.argv.find((value) => value.startsWith('--serve='));
if (serveArg) {
  await serve(serveArg.split('=')[1]!);
} else {
  const durationMs = arg('duration', 5_000);
  const concurrency = arg('concurrency', 32);
  const results: Record<string, Awaited<ReturnType<typeof runLoad>>> = {};
  // Alternated twice so neither side always runs on a colder or busier machine.
  for (const round of [1, 2]) {
    for (const kind of ['baseline', 'gateway', 'redirect'] as const) {
      const child = await startChild(kind);
      const result = await runLoad({ url: child.url, concurrency, durationMs, headers: (index) => visitorHeaders(index, BENCH_ORIGIN_SECRET) });
      child.stop();
      console.log(formatLoad(`${kind} (round ${round})`, result));
      const best = results[kind];
      if (!best || result.perSecond > best.perSecond) results[kind] = result;
    }
  }
  const ratio = results.redirect!.perSecond / results.baseline!.perSecond;
  const gatewayRatio = results.gateway!.perSecond / results.baseline!.perSecond;
  console.log(
    `\nredirect through the local gateway (in-memory adapters): ${results.redirect!.perSecond.toFixed(0)} req/s = ${(ratio * 100).toFixed(0)} % of a bare node:http 302 + Set-Cookie (${results.baseline!.perSecond.toFixed(0)} req/s); ` +
      `the gateway around a constant 302: ${results.gateway!.perSecond.toFixed(0)} req/s = ${(gatewayRatio * 100).toFixed(0)} %; best of 2 rounds, ${concurrency} connections, ${durationMs} ms each`,
  );
}
