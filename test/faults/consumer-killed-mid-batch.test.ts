/**
 * Fault: the queue consumer PROCESS is killed (SIGKILL) in the middle of a batch.
 *
 * The test runs the SQS stand-in and dynalite and owns a PostgreSQL 15 database; a child process
 * (test/support/stand-ins/consumer-process.ts) runs the real ingest-clicks and attribute-conversions
 * handlers behind the local queue poller. The child stops dead at a chosen point of a chosen batch
 * and says so over IPC; the test SIGKILLs it, checks what the crash left (what is committed,
 * what is still queued), starts a fresh consumer, waits for the queues to empty and asserts that
 * every message's effect is in PostgreSQL exactly once and the books balance.
 *
 * Three kill points: while a clicks batch's one autocommit statement runs, its first rows written
 * and the statement waiting on a lock the test holds (all of it rolled back); inside
 * the 4th conversion transaction of a conversions batch (3 committed, the rest not); right after a
 * conversion's COMMIT, before its vendor notification was sent (the notification must not be lost).
 *
 * Bounded by default; larger runs: FAULTS_KILL_CLICKS (default 300), FAULTS_KILL_CONVERSIONS
 * (default 20, at least 20: the kill lands in the second batch of 10), FAULTS_VISIBILITY_SECONDS (default 4: how
 * long a killed batch stays invisible; it also bounds a batch's processing time, or messages come back early).
 * Skipped, visibly, when no PostgreSQL answers (TEST_POSTGRES_URL / TEST_DATABASE_URL / local 5432).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbClickStore } from '../../functions/adapters/aws/dynamodb-click-store.js';
import type { ClickMessage } from '../../functions/domain/clicks/click-message.js';
import { notificationIdFor } from '../../functions/domain/notifications/index.js';
import type { ClickStore } from '../../functions/ports/click-store.js';
import type { ConversionMessage } from '../../functions/ports/conversion-message.js';
import type { LinkItem } from '../../functions/ports/link-store.js';
import { ensureQueues, type LocalQueue } from '../../lib/local/ensure-queues.js';
import { ensureTables } from '../../lib/local/ensure-tables.js';
import { silentLog } from '../../lib/local/local-log.js';
import { startStandIns, type StandIns } from '../../lib/local/stand-ins.js';
import { queues, tables, type QueueDeclaration, type QueueName } from '../../lib/resources.js';
import { seedProgram, type SeededProgram } from '../support/fixtures/seed.js';
import { clickOn } from '../support/messages/clicks.js';
import { sale } from '../support/messages/conversions.js';
import { clickRowCounts, conversionFacts, expectBalanced, expectClicksExactlyOnce, expectConversionsExactlyOnce, expectTotalsMatchRows } from '../support/books/books.js';
import { spawnConsumer, type ConsumerHandle, type PausePoint } from '../support/stand-ins/consumer-protocol.js';
import { createPostgresTestDatabase, isPostgresReachable, postgresServerUrl, type PostgresTestDatabase } from '../support/database/test-database.js';
import { queueDepth, sendAll, takeAll, waitUntilEmpty } from '../support/messages/queue-tools.js';
import { reportFigures } from '../support/report-figures.js';

const serverUrl = process.env.TEST_POSTGRES_URL ?? postgresServerUrl;
const reachable = await isPostgresReachable(serverUrl);

const clickCount = Number(process.env.FAULTS_KILL_CLICKS ?? 300);
const conversionCount = Number(process.env.FAULTS_KILL_CONVERSIONS ?? 20);
const visibilitySeconds = Number(process.env.FAULTS_VISIBILITY_SECONDS ?? 4);
const region = 'us-east-1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!reachable)(`the consumer process killed mid-batch (PostgreSQL ${new URL(serverUrl).host})`, () => {
  let db: PostgresTestDatabase;
  let dataDir: string;
  let standIns: StandIns;
  let sqs: SQSClient;
  let dynamodb: DynamoDBClient;
  let hotStore: ClickStore;
  let local: Record<QueueName, LocalQueue>;
  const figures: string[] = [];
  let spawned = 0;
  const started: ConsumerHandle[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'faults-kill-'));
    [db, standIns] = await Promise.all([createPostgresTestDatabase({ serverUrl, prefix: 'faults_kill_' }), startStandIns({ dataDir, region })]);
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    sqs = new SQSClient({ endpoint: standIns.sqsEndpoint, region, credentials });
    dynamodb = new DynamoDBClient({ endpoint: standIns.dynamodbEndpoint, region, credentials });
    await ensureTables({ dynamodb, tables: Object.values(tables), log: silentLog });
    hotStore = createDynamoDbClickStore({ client: dynamodb, tableName: tables.clicks.name });
    // The server checks every 100 ms that a session's client is still there while its statement
    // runs (PostgreSQL 14+), so a consumer killed while its statement waits on a lock is rolled
    // back then, not when the lock is released. (The Data API would run the statement to its end
    // and commit it: the redelivery is then all duplicates, which the click pipeline tests cover.)
    await db.sql.query(`ALTER DATABASE "${new URL(db.url).pathname.slice(1)}" SET client_connection_check_interval = 100`);
  });

  // Each scenario gets queues of its own, so one that fails leaves nothing behind for the next.
  let scenario = 0;
  beforeEach(async () => {
    for (const consumer of started) await consumer.kill();
    scenario += 1;
    const own = Object.fromEntries(
      Object.entries(queues).map(([name, queue]) => [name, { ...queue, name: `${queue.name}-s${scenario}`, deadLetterQueueName: `${queue.deadLetterQueueName}-s${scenario}` }]),
    ) as Record<QueueName, QueueDeclaration>;
    // A short visibility timeout: a killed batch comes back after seconds, not the declared minutes.
    local = await ensureQueues({ sqs, queues: own, visibilityTimeoutSeconds: () => visibilitySeconds });
  });

  afterAll(async () => {
    for (const consumer of started) await consumer.kill().catch(() => undefined);
    sqs?.destroy();
    dynamodb?.destroy();
    await standIns?.close();
    await db?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (figures.length > 0) reportFigures(`[figures] faults/consumer-killed-mid-batch: ${figures.join('; ')}`);
  });

  /** A consumer process on the given queues; `pause` arms the kill point. Its sessions carry their own application_name. */
  function consumer(poll: ('clicks' | 'conversions')[], pause?: PausePoint): { handle: ConsumerHandle; applicationName: string } {
    spawned += 1;
    const applicationName = `faults_kill_consumer_${spawned}`;
    const env: Record<string, string> = {
      AWS_ENDPOINT_URL_SQS: standIns.sqsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: standIns.dynamodbEndpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      FAULT_DATABASE_URL: db.urlFor(applicationName),
      FAULT_QUEUES: JSON.stringify(local),
      FAULT_POLL: poll.join(','),
      FAULT_RETRY_DELAY_SECONDS: '1',
      ...(pause ? { FAULT_PAUSE: JSON.stringify(pause) } : {}),
    };
    for (const table of Object.values(tables)) env[table.envVar] = table.name;
    for (const [name, queue] of Object.entries(queues)) env[queue.envVar] = local[name as QueueName].url;
    const handle = spawnConsumer(env);
    started.push(handle);
    return { handle, applicationName };
  }

  /** Kills the paused consumer and waits until PostgreSQL has ended its sessions (rolling back what was open). */
  async function killAndSettle(handle: ConsumerHandle, applicationName: string): Promise<void> {
    expect((await handle.kill()).signal).toBe('SIGKILL');
    const deadline = Date.now() + 10_000;
    while ((await db.sessionsOf(applicationName)) > 0) {
      if (Date.now() > deadline) throw new Error(`sessions of ${applicationName} still open 10 s after the kill`);
      await sleep(50);
    }
  }

  /** A fresh consumer until the queues are empty; returns its poller counters. */
  async function recover(poll: ('clicks' | 'conversions')[]) {
    const startedAt = performance.now();
    const { handle } = consumer(poll);
    await handle.next('ready');
    await waitUntilEmpty(sqs, poll.map((name) => local[name].url), 60_000 + visibilitySeconds * 1000);
    const counters = await handle.stop();
    return { counters, seconds: (performance.now() - startedAt) / 1000 };
  }

  /** Visitors of `program`, each with a cookie and 1-3 clicks on different partners' links, a sale on the last one. */
  function journeys(program: SeededProgram, visitors: number, firstValue: number) {
    const links: LinkItem[] = program.partners.map((p) => p.links[0]!);
    const base = Date.now() - 3_600_000;
    const clicks: ClickMessage[] = [];
    const sales: ConversionMessage[] = [];
    for (let v = 0; v < visitors; v += 1) {
      const cookie = crypto.randomUUID();
      const touches = 1 + (v % 3);
      let last: ClickMessage | undefined;
      for (let t = 0; t < touches; t += 1) {
        last = clickOn(links[(v + t) % links.length]!, new Date(base + v * 1000 + t * 100).toISOString(), { cookie_id: cookie });
        clicks.push(last);
      }
      // Whole tens of cents, so 10 % is exact and the expectation needs no rounding rule of its own.
      const value = `${firstValue + v}.${String((v % 10) * 10).padStart(2, '0')}`;
      sales.push(sale(program.vendorId, { click_id: last!.click_id, event_value: value, occurred_at: new Date(base + 1_800_000 + v).toISOString() }));
    }
    return { clicks, sales };
  }

  async function putHot(clicks: readonly ClickMessage[]) {
    for (const click of clicks) await hotStore.put(click, { expiresAt: new Date(click.cookie_expires_at) });
  }

  /** Until the consumer's statement waits on a lock, having written rows (it holds a transaction id). */
  async function waitUntilWaitingWithWrites(applicationName: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const waiting = await db.sql.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = :app AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL`,
        { app: applicationName },
      );
      if (waiting.rows[0]!.n > 0) return;
      if (Date.now() > deadline) throw new Error(`${applicationName} never waited on the test's lock with rows written`);
      await sleep(20);
    }
  }

  it('killed while a clicks batch statement runs: the whole batch is rolled back and stays queued, then every click lands once', async () => {
    const program = await seedProgram(db.sql, { partners: 3 });
    const links = program.partners.map((p) => p.links[0]!);
    const base = Date.now() - 7_200_000;
    const clicks = Array.from({ length: clickCount }, (_, i) => clickOn(links[i % links.length]!, new Date(base + i * 10).toISOString()));
    const messageIds = await sendAll(sqs, local.clicks.url, clicks);
    const clickOf = new Map(messageIds.map((id, i) => [id, clicks[i]!.click_id]));

    // Batch 1 commits; batch 2's statement writes its clicks and cookies, then waits on the
    // enrollments the test has locked (it adds to their totals last) and is killed there.
    const { handle, applicationName } = consumer(['clicks'], { queue: 'clicks', batch: 2, at: 'in-statement', commits: 0 });
    const paused = await handle.next('paused');
    const first = await handle.next('batch', (r) => r.queue === 'clicks' && r.batch === 1);
    expect(first.failed).toBe(0);
    await db.sql.transaction(async (tx) => {
      await tx.query(`SELECT campaign_partner_id FROM campaign_partners WHERE campaign_version_id = :version::integer FOR UPDATE`, {
        version: program.campaignVersionId,
      });
      handle.proceed();
      await waitUntilWaitingWithWrites(applicationName);
      await killAndSettle(handle, applicationName);
    });

    // What the crash left: batch 1 in PostgreSQL, nothing of batch 2, and every message not committed still queued.
    const committed = first.messageIds.map((id) => clickOf.get(id)!);
    const inFlight = paused.messageIds.map((id) => clickOf.get(id)!);
    expect(inFlight.length).toBeGreaterThan(0);
    expect([...(await clickRowCounts(db.sql, committed)).values()]).toEqual(committed.map(() => 1));
    expect((await clickRowCounts(db.sql, inFlight)).size).toBe(0);
    const allIds = clicks.map((c) => c.click_id);
    expect((await clickRowCounts(db.sql, allIds)).size).toBe(committed.length);
    const depth = await queueDepth(sqs, local.clicks.url);
    expect(depth.total).toBe(clickCount - committed.length);

    const recovery = await recover(['clicks']);
    await expectClicksExactlyOnce(db.sql, allIds);
    await expectTotalsMatchRows(db.sql, [program.campaignVersionId]);
    // The killed batch was delivered again (the first consumer's receives died with it); more only if
    // a batch outlived the visibility timeout on a loaded machine, which changes nothing in the rows.
    expect(recovery.counters.clicks!.received).toBeGreaterThanOrEqual(clickCount - committed.length);
    expect(recovery.counters.clicks!.deadLettered).toBe(0);
    expect((await queueDepth(sqs, local.clicks.deadLetterUrl)).total).toBe(0);
    figures.push(
      `clicks ${clickCount}: batch of ${inFlight.length} killed while its statement ran (${committed.length} committed before), ` +
        `fresh consumer received ${recovery.counters.clicks!.received} (the killed batch redelivered after the ${visibilitySeconds} s visibility timeout), recovered in ${recovery.seconds.toFixed(1)} s`,
    );
  });

  it('killed after 3 of a conversions batch committed: those 3 stay, the rest roll back, redelivery records each sale once', async () => {
    const program = await seedProgram(db.sql, { partners: 3, version: { attributionModel: 'linear' } });
    const { clicks, sales } = journeys(program, conversionCount, 20);
    await putHot(clicks);
    await sendAll(sqs, local.clicks.url, clicks);
    const messageIds = await sendAll(sqs, local.conversions.url, sales);
    const receiptOf = new Map(messageIds.map((id, i) => [id, sales[i]!.receipt_id]));

    const { handle, applicationName } = consumer(['clicks', 'conversions'], { queue: 'conversions', batch: 2, at: 'in-transaction', commits: 3 });
    const paused = await handle.next('paused');
    const first = await handle.next('batch', (r) => r.queue === 'conversions' && r.batch === 1);
    await killAndSettle(handle, applicationName);

    expect(paused.committedInBatch).toBe(3);
    expect(paused.messageIds.length).toBeGreaterThan(4);
    const batchReceipts = paused.messageIds.map((id) => receiptOf.get(id)!);
    const facts = await conversionFacts(db.sql, batchReceipts);
    // Exactly three of the killed batch are recorded, each whole (the clicks consumer runs beside
    // it, so a lock conflict could make one fail and a later one commit: the count is what holds).
    expect(facts.size).toBe(3);
    for (const fact of facts.values()) expect({ rows: fact.rows, touches: fact.touch_sum }).toEqual({ rows: 1, touches: fact.commission_amount });
    const conversionsDepth = await queueDepth(sqs, local.conversions.url);
    // Nothing of the killed batch was deleted, the committed three included.
    expect(conversionsDepth.total).toBe(conversionCount - (first.messageIds.length - first.failed));
    await expectBalanced(db.sql);

    const recovery = await recover(['clicks', 'conversions']);
    const receipts = sales.map((s) => s.receipt_id);
    await expectConversionsExactlyOnce(db.sql, receipts);
    await expectClicksExactlyOnce(db.sql, clicks.map((c) => c.click_id));
    await expectTotalsMatchRows(db.sql, [program.campaignVersionId]);
    await expectBalanced(db.sql);
    const notifications = (await takeAll(sqs, local.notifications.url)).map((m) => JSON.parse(m.Body!) as { notification_id: string });
    const ids = new Set(notifications.map((n) => n.notification_id));
    expect(ids).toEqual(new Set(receipts.map((r) => notificationIdFor('conversion.created', r))));
    // The three committed before the kill came back as duplicates: acknowledged, re-notified under the same id.
    expect(notifications.length).toBeGreaterThanOrEqual(conversionCount + 3);
    expect(recovery.counters.conversions!.deadLettered).toBe(0);
    figures.push(
      `conversions ${conversionCount}: batch of ${paused.messageIds.length} killed after 3 commits, fresh consumer received ${recovery.counters.conversions!.received} ` +
        `(3 redelivered as duplicates, ${notifications.length - conversionCount} notifications repeated under the same id), recovered in ${recovery.seconds.toFixed(1)} s`,
    );
  });

  it('killed between a conversion COMMIT and its vendor notification: redelivery is a duplicate and the notification is still sent', async () => {
    const program = await seedProgram(db.sql, { partners: 3, version: { attributionModel: 'linear' } });
    const { clicks, sales } = journeys(program, conversionCount, 50);
    await putHot(clicks);
    const messageIds = await sendAll(sqs, local.conversions.url, sales);
    const receiptOf = new Map(messageIds.map((id, i) => [id, sales[i]!.receipt_id]));

    // Only the conversions queue: the clicks come from the hot store, written by the consumer itself.
    const { handle, applicationName } = consumer(['conversions'], { queue: 'conversions', batch: 1, at: 'after-commit', commits: 4 });
    const paused = await handle.next('paused');
    await killAndSettle(handle, applicationName);

    expect(paused.committedInBatch).toBe(4);
    const batchReceipts = paused.messageIds.map((id) => receiptOf.get(id)!);
    expect([...(await conversionFacts(db.sql, batchReceipts)).keys()].sort()).toEqual(batchReceipts.slice(0, 4).sort());
    const before = (await takeAll(sqs, local.notifications.url)).map((m) => (JSON.parse(m.Body!) as { notification_id: string }).notification_id);
    // Three notified; the fourth committed but its notification died with the process.
    expect(before.sort()).toEqual(batchReceipts.slice(0, 3).map((r) => notificationIdFor('conversion.created', r)).sort());
    expect((await queueDepth(sqs, local.conversions.url)).total).toBe(conversionCount);

    const recovery = await recover(['conversions']);
    const receipts = sales.map((s) => s.receipt_id);
    await expectConversionsExactlyOnce(db.sql, receipts);
    await expectClicksExactlyOnce(db.sql, clicks.map((c) => c.click_id));
    await expectTotalsMatchRows(db.sql, [program.campaignVersionId]);
    await expectBalanced(db.sql);
    const after = (await takeAll(sqs, local.notifications.url)).map((m) => (JSON.parse(m.Body!) as { notification_id: string }).notification_id);
    expect(new Set([...before, ...after])).toEqual(new Set(receipts.map((r) => notificationIdFor('conversion.created', r))));
    expect(after).toContain(notificationIdFor('conversion.created', batchReceipts[3]!));
    expect(recovery.counters.conversions!.received).toBeGreaterThanOrEqual(conversionCount);
    figures.push(
      `conversions ${conversionCount}: killed between a COMMIT and its notification, fresh consumer received ${recovery.counters.conversions!.received}, ` +
        `the missing notification sent on redelivery, recovered in ${recovery.seconds.toFixed(1)} s`,
    );
  });
});
