/**
 * The full local path, reported only (the stand-ins dominate it; it is not a goal): redirects/s
 * through the local platform's gateway, the redirect Lambda, dynalite and local-aws-sqs, every
 * request a new visitor (a counted click: marker write, click write, queue send), then how long
 * the queue poller and ingest-clicks take to land those clicks in PGlite.
 *
 *   npx tsx bench/local-path.ts [--duration=10000] [--concurrency=16]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoDbLinkStore } from '../functions/adapters/aws/dynamodb-link-store.js';
import { silentLog } from '../lib/local/local-log.js';
import { startLocalPlatform } from '../lib/local/start-local-platform.js';
import { seedLinks } from '../test/support/fixtures/seed-links.js';
import { formatLoad, runLoad, visitorHeaders } from './redirect-load-generator.js';

function arg(name: string, fallback: number): number {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
}

const dataDir = await mkdtemp(join(tmpdir(), 'local-path-bench-'));
const platform = await startLocalPlatform({ port: 0, dataDir, tickerEnabled: false, log: silentLog });
try {
  const [link] = await seedLinks(platform.deps.sql, { partners: 1 });
  await createDynamoDbLinkStore({ client: platform.deps.dynamodb, tableName: platform.deps.config.tableNames.links }).put(link!);
  const result = await runLoad({
    url: `${platform.url}/${link!.short_code}`,
    concurrency: arg('concurrency', 16),
    durationMs: arg('duration', 10_000),
    warmupMs: 1_000,
    headers: (index) => visitorHeaders(index + 1_000_000, platform.originVerifySecret),
  });
  console.log(formatLoad('local path (gateway+dynalite+sqs)', result));
  const drainStart = performance.now();
  await platform.drain(300_000);
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const rows = await platform.deps.sql.query<{ n: number }>(`SELECT count(*)::integer AS n FROM clicks`);
  const clicks = rows.rows[0]!.n;
  console.log(
    `\nfull local path: ${result.perSecond.toFixed(0)} redirects/s (every one a counted click); ${clicks} clicks in PGlite, the queue drained ${drainSeconds.toFixed(1)} s after the load stopped`,
  );
} finally {
  await platform.stop();
  await rm(dataDir, { recursive: true, force: true });
}
