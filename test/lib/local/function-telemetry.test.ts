/**
 * The local run prints what Lambda would: every function's log lines are JSON carrying the
 * invocation's request id (Powertools `injectLambdaContext`, the context the gateway, poller and
 * ticker give each invocation), and business metrics come out as CloudWatch EMF lines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoDbLinkStore } from '../../../functions/adapters/aws/dynamodb-link-store.js';
import { silentLog } from '../../../lib/local/local-log.js';
import { startLocalPlatform, type LocalPlatform } from '../../../lib/local/start-local-platform.js';
import { functions, type FunctionName } from '../../../lib/resources.js';
import { capturePrintedLines } from '../../support/platform/capture-printed-lines.js';
import { linkItem } from '../../support/fixtures/link-item.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

describe('local run: function logs and metrics', () => {
  let dataDir: string;
  let platform: LocalPlatform;
  const printed: string[] = [];

  beforeAll(async () => {
    // The suite runs Powertools silent (vitest.config.ts); this test turns it up, as `npm start` runs.
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    capturePrintedLines((line) => printed.push(line));
    dataDir = await mkdtemp(join(tmpdir(), 'local-telemetry-'));
    platform = await startLocalPlatform({ port: 0, dataDir, log: silentLog, tickerEnabled: false, retryDelaySeconds: 0.1, drainTimeoutMs: 2_000 });
    await createDynamoDbLinkStore({ client: platform.deps.dynamodb, tableName: platform.deps.config.tableNames.links }).put(
      linkItem({ short_code: 'emf1', partner_link_id: 11, campaign_partner_id: 7, partner_id: 3, vendor_id: 1, campaign_id: 2, campaign_version_id: 5 }),
    );
  });

  afterAll(async () => {
    await platform?.stop();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await rm(dataDir, { recursive: true, force: true });
  });

  const jsonLines = () =>
    printed.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

  it('a click and a bot give ClicksCounted 1 and ClicksFiltered{reason=bot} 1 as EMF lines', async () => {
    const counted = await fetch(`${platform.url}/emf1`, { redirect: 'manual', headers: { 'user-agent': CHROME } });
    expect(counted.status).toBe(302);
    const bot = await fetch(`${platform.url}/emf1`, { redirect: 'manual', headers: { 'user-agent': 'curl/8.4.0' } });
    expect(bot.status).toBe(302);

    const emf = jsonLines().filter((line): line is EmfLine => typeof line._aws === 'object');
    const valueOf = (name: string, dimensions: Record<string, string> = {}) =>
      emf
        .filter((line) => line._aws.CloudWatchMetrics.some((set) => set.Metrics.some((metric) => metric.Name === name)))
        .filter((line) => Object.entries(dimensions).every(([key, value]) => line[key] === value))
        .reduce((total, line) => total + Number(line[name]), 0);
    expect(valueOf('ClicksCounted', { service: 'redirect' })).toBe(1);
    expect(valueOf('ClicksFiltered', { service: 'redirect', reason: 'bot' })).toBe(1);
    const counter = emf.find((line) => line.ClicksCounted !== undefined)!;
    expect(counter._aws.CloudWatchMetrics[0]!.Namespace).toBe('AffiliatePlatform');
    expect(counter._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'ClicksCounted', Unit: 'Count' }]);
  });

  it('every function prints JSON log lines carrying its request id', async () => {
    const http = async (path: string, init: RequestInit = {}) => (await fetch(`${platform.url}${path}`, { redirect: 'manual', ...init })).status;
    expect(await http('/nosuchcode')).toBe(404);
    expect(await http('/js/track.js')).toBe(200);
    expect(await http('/e', { method: 'OPTIONS' })).toBe(204);
    expect(await http('/v1/openapi.json')).toBe(200);
    expect(await http('/webhooks/stripe/999999', { method: 'POST', body: '{}' })).toBeGreaterThanOrEqual(400);
    for (const name of ['ingestClicks', 'attributeConversions', 'notifyVendors'] as const) await platform.invoke(name, { Records: [] });
    await platform.invoke('scheduledJobs', { job: 'reconciliation' });

    const lines = jsonLines().filter((line) => typeof line.function_name === 'string' && !('_aws' in line));
    for (const name of Object.keys(functions) as FunctionName[]) {
      const own = lines.filter((line) => line.function_name === name);
      expect(own.length, `${name} printed no log line`).toBeGreaterThan(0);
      for (const line of own) {
        expect(line.function_request_id, `${name}: ${JSON.stringify(line)}`).toMatch(UUID);
        expect(line).toMatchObject({ service: name, level: expect.any(String), message: expect.any(String), timestamp: expect.any(String) });
      }
    }
    // A scheduled job's own line, not only the per-invocation one.
    expect(lines.some((line) => line.function_name === 'scheduledJobs' && line.message === 'scheduled job done' && line.job === 'reconciliation')).toBe(true);
  });
});
