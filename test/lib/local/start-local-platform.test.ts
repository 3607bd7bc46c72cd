import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCreateHandler, LocalHandler } from '../../../lib/local/load-functions.js';
import { silentLog } from '../../../lib/local/local-log.js';
import { deadLetterReasonAttribute } from '../../../lib/local/queue-poller.js';
import { startLocalPlatform, type LocalPlatform } from '../../../lib/local/start-local-platform.js';
import { functions, type FunctionDeclaration, type FunctionName } from '../../../lib/resources.js';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';

/**
 * Fake `createHandler`s for every declared function, so this suite does not depend on the real
 * ones: the redirect writes DynamoDB and sends to SQS, the click consumer writes PostgreSQL, each
 * through the deps and names the platform hands it.
 */
function fakeHandlers(
  jobs: unknown[],
  notified: string[] = [],
  executors: Partial<Record<FunctionName, SqlExecutor>> = {},
): Partial<Record<FunctionName, LocalCreateHandler>> {
  const handlers: Partial<Record<FunctionName, LocalCreateHandler>> = {};
  for (const name of Object.keys(functions) as FunctionName[]) {
    handlers[name] = () => (async () => ({ statusCode: 200, body: name })) as LocalHandler;
  }
  handlers.redirect = ({ config, dynamodb, sqs }) =>
    (async (event: APIGatewayProxyEventV2) => {
      const code = event.pathParameters!.short_code!;
      await dynamodb.send(new PutItemCommand({ TableName: config.tableNames.clicks, Item: { pk: { S: `click-${code}` }, short_code: { S: code } } }));
      await sqs.send(new SendMessageCommand({ QueueUrl: config.queueUrls.clicks, MessageBody: JSON.stringify({ short_code: code }) }));
      return { statusCode: 302, headers: { location: `${config.publicBaseUrl}/landing` }, cookies: ['a=1', 'b=2'] };
    }) as LocalHandler;
  handlers.ingestClicks = ({ sql }) =>
    (async (event: SQSEvent) => {
      const failures = [];
      for (const record of event.Records) {
        const { short_code: code } = JSON.parse(record.body) as { short_code: string };
        if (code === 'poison') {
          failures.push({ itemIdentifier: record.messageId });
          continue;
        }
        await sql.query('INSERT INTO local_probe (short_code) VALUES (:code)', { code });
      }
      return { batchItemFailures: failures };
    }) as LocalHandler;
  // conversions -> notifications, as attribution feeds vendor notifications.
  handlers.attributeConversions = ({ config, sqs }) =>
    (async (event: SQSEvent) => {
      for (const record of event.Records) {
        await sqs.send(new SendMessageCommand({ QueueUrl: config.queueUrls.notifications, MessageBody: `notify:${record.body}` }));
      }
    }) as LocalHandler;
  handlers.notifyVendors = () =>
    (async (event: SQSEvent) => {
      for (const record of event.Records) notified.push(record.body);
    }) as LocalHandler;
  handlers.scheduledJobs = () =>
    (async (event: unknown) => {
      jobs.push(event);
    }) as LocalHandler;
  // Every function's executor, as the platform built it for that function.
  for (const name of Object.keys(functions) as FunctionName[]) {
    const create = handlers[name]!;
    handlers[name] = (deps) => {
      executors[name] = deps.sql;
      return create(deps);
    };
  }
  return handlers;
}

describe('startLocalPlatform', () => {
  let dataDir: string;
  let platform: LocalPlatform;
  const jobs: unknown[] = [];
  const notified: string[] = [];
  const executors: Partial<Record<FunctionName, SqlExecutor>> = {};

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'local-platform-'));
    platform = await startLocalPlatform({
      port: 0,
      dataDir,
      log: silentLog,
      functionOverrides: fakeHandlers(jobs, notified, executors),
      schedules: [{ name: 'approve-conversions', function: 'scheduledJobs', expression: 'rate(1 hour)', localEveryMs: 50 }],
      drainTimeoutMs: 20_000,
    });
    await platform.deps.sql.query('CREATE TABLE local_probe (short_code TEXT NOT NULL)');
    // The click consumer runs as its own role (schema/0013_database_roles.sql): it needs the grant.
    await platform.deps.sql.query('GRANT INSERT ON local_probe TO affiliate_ingest_clicks');
  });

  afterAll(async () => {
    await platform?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is healthy on an ephemeral port with every function, queue and schedule reported', async () => {
    expect(platform.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${platform.url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; functions: Record<string, string>; queues: Record<string, unknown> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.functions).sort()).toEqual(Object.keys(functions).sort());
    expect(Object.keys(body.queues).sort()).toEqual(['clicks', 'conversions', 'notifications']);
    expect(platform.adminToken.length).toBeGreaterThanOrEqual(32);
    expect(platform.deps.config.publicBaseUrl).toBe(platform.url);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.CLICKS_QUEUE_URL).toBe(platform.queues.clicks!.url);
  });

  it("runs each function's SQL as its own database role, and gives the redirect no database at all", async () => {
    for (const name of Object.keys(functions) as FunctionName[]) {
      const declaration: FunctionDeclaration = functions[name];
      const sql = executors[name]!;
      if (declaration.databaseRole === null) {
        await expect(sql.query('SELECT 1')).rejects.toThrow(/has no database access/);
        continue;
      }
      const { rows } = await sql.query<{ who: string }>('SELECT current_user AS who');
      expect(rows, name).toEqual([{ who: declaration.databaseRole }]);
    }
    // A grant the migration does not give fails here, as it would on AWS.
    await expect(executors.webhooks!.query('SELECT count(*) FROM payouts')).rejects.toMatchObject({ code: '42501' });
    // The platform's own executor (tests, migrations) stays the administrator, and no role leaks into it.
    const { rows } = await platform.deps.sql.query<{ who: string }>('SELECT current_user AS who');
    expect(rows[0]!.who).not.toMatch(/^affiliate_/);
  });

  it('carries a click from the gateway through DynamoDB and the clicks queue into PostgreSQL', async () => {
    const response = await fetch(`${platform.url}/summer-sale`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${platform.url}/landing`);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);

    await platform.drain();
    const rows = await platform.deps.sql.query<{ short_code: string }>('SELECT short_code FROM local_probe');
    expect(rows.rows).toEqual([{ short_code: 'summer-sale' }]);
    const item = await platform.deps.dynamodb.send(new GetItemCommand({ TableName: 'clicks', Key: { pk: { S: 'click-summer-sale' } } }));
    expect(item.Item?.short_code?.S).toBe('summer-sale');
    expect(platform.pollers.clicks!.counters).toMatchObject({ received: 1, succeeded: 1 });
  });

  it('dead-letters a poison click after the declared maxReceiveCount', async () => {
    await fetch(`${platform.url}/poison`, { redirect: 'manual' });
    await platform.drain();
    expect(platform.pollers.clicks!.counters.deadLettered).toBe(1);
    const dead = await platform.deps.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: platform.queues.clicks!.deadLetterUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
    );
    expect(dead.Messages?.map((message) => JSON.parse(message.Body!))).toEqual([{ short_code: 'poison' }]);
    expect(dead.Messages?.[0]?.MessageAttributes?.[deadLetterReasonAttribute]?.StringValue).toBe('reported in batchItemFailures');
  });

  it('drains queues that feed one another', async () => {
    await platform.deps.sqs.send(new SendMessageCommand({ QueueUrl: platform.queues.conversions!.url, MessageBody: 'conversion-1' }));
    await platform.drain();
    expect(notified).toEqual(['notify:conversion-1']);
  });

  it('ticks scheduled jobs with { job }', async () => {
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (jobs.length > 0) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    expect(jobs[0]).toEqual({ job: 'approve-conversions' });
  });

  it('keeps DynamoDB items and PostgreSQL rows across a restart on the same data directory', async () => {
    // Sent just before the stop: the stop drains the queue, so the click is not lost with the in-memory SQS.
    await platform.deps.sqs.send(new SendMessageCommand({ QueueUrl: platform.queues.clicks!.url, MessageBody: JSON.stringify({ short_code: 'sent-before-stop' }) }));
    await platform.stop();
    platform = await startLocalPlatform({ port: 0, dataDir, log: silentLog, tickerEnabled: false, functionOverrides: fakeHandlers([]) });
    const rows = await platform.deps.sql.query<{ short_code: string }>('SELECT short_code FROM local_probe ORDER BY short_code');
    expect(rows.rows).toEqual([{ short_code: 'sent-before-stop' }, { short_code: 'summer-sale' }]);
    const item = await platform.deps.dynamodb.send(new GetItemCommand({ TableName: 'clicks', Key: { pk: { S: 'click-summer-sale' } } }));
    expect(item.Item?.short_code?.S).toBe('summer-sale');
    expect((await fetch(`${platform.url}/healthz`)).status).toBe(200);
  });
});

// CI passes its PostgreSQL 15 as TEST_POSTGRES_URL; elsewhere this suite is skipped.
const postgresServer = process.env.TEST_POSTGRES_URL;

describe.skipIf(!postgresServer)('startLocalPlatform on PostgreSQL (DATABASE_URL)', () => {
  const databaseName = `local_platform_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  let dataDir: string;
  let admin: pg.Client;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'local-platform-pg-'));
    admin = new pg.Client({ connectionString: postgresServer });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrates the database named by the URL and serves from it', async () => {
    const url = new URL(postgresServer!);
    url.pathname = `/${databaseName}`;
    const platform = await startLocalPlatform({
      port: 0,
      dataDir,
      databaseUrl: url.toString(),
      log: silentLog,
      tickerEnabled: false,
      functionOverrides: fakeHandlers([]),
    });
    try {
      const migrations = await platform.deps.sql.query<{ applied: number }>('SELECT count(*)::int AS applied FROM schema_migrations');
      expect(migrations.rows[0]!.applied).toBeGreaterThan(0);
      expect((await fetch(`${platform.url}/healthz`)).status).toBe(200);
    } finally {
      await platform.stop();
    }
  });
});
