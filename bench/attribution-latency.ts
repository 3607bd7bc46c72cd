/**
 * The attribution consumer (the real `createAttributeConversions` over PGlite, dynalite and the
 * local SQS) with a fixed latency added to every database round trip, as on the RDS Data API
 * where each statement, BeginTransaction and CommitTransaction is one HTTPS call. Prints the
 * conversions per second one consumer sustains and the round trips each sale costs (issue 16:
 * at most 8). DynamoDB and SQS calls run at local speed: only the SQL calls are delayed.
 *
 * Each sale is the record-conversion round-trip test's: a three-touch journey (A, B, A) under a
 * tiered linear campaign with a rule; the campaign's milestone bonus fires on the first sale.
 *
 *   npx tsx bench/attribution-latency.ts [--latency-ms=15] [--sales=100] [--batch=10]
 */
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { createDynamoDbClickStore } from '../functions/adapters/aws/dynamodb-click-store.js';
import { createSqsNotificationQueue } from '../functions/adapters/aws/sqs-notification-queue.js';
import { createAttributeConversions } from '../functions/handlers/attribute-conversions.js';
import type { ConversionMessage } from '../functions/ports/conversion-message.js';
import { ingestClickBatch } from '../functions/repositories/clicks/click-ingestion.js';
import { countRoundTrips } from '../test/support/database/round-trip-counter.js';
import { createTestDatabase } from '../test/support/database/test-database.js';
import { seedPricedProgram } from '../test/support/fixtures/seed-priced-program.js';
import { clickOn, sqsEvent } from '../test/support/messages/clicks.js';
import { sale } from '../test/support/messages/conversions.js';
import { startLocalAws } from '../test/support/stand-ins/local-aws.js';

function arg(name: string, fallback: number): number {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
}

const latencyMs = arg('latency-ms', 15);
const sales = arg('sales', 100);
const batchSize = arg('batch', 10);
const now = new Date('2024-03-20T12:00:00.000Z');

const [db, aws] = await Promise.all([createTestDatabase({ engine: 'pglite' }), startLocalAws()]);
try {
  const queue = await aws.sqs.send(new CreateQueueCommand({ QueueName: 'notifications' }));
  const clickStore = createDynamoDbClickStore({ client: aws.dynamodb, tableName: aws.tableNames.clicks });
  const program = await seedPricedProgram(db.sql, { silverFrom: '1000000', silverTo: '5000000' });
  const [a, b] = program.partners;

  // The journeys, written before the clock starts: in the hot store and in Aurora, as normally.
  const messages: ConversionMessage[] = [];
  for (let i = 0; i < sales; i++) {
    const cookie = crypto.randomUUID();
    const clicks = [
      clickOn(a!.links[0]!, '2024-03-15T10:00:00.000Z', { cookie_id: cookie }),
      clickOn(b!.links[0]!, '2024-03-16T10:00:00.000Z', { cookie_id: cookie }),
      clickOn(a!.links[0]!, '2024-03-17T10:00:00.000Z', { cookie_id: cookie }),
    ];
    for (const click of clicks) await clickStore.put(click, { expiresAt: new Date(click.cookie_expires_at) });
    await ingestClickBatch({ sql: db.sql, clicks });
    messages.push(sale(program.vendorId, { click_id: clicks[0]!.click_id, event_value: '100.00' }));
  }

  const counter = countRoundTrips(db.sql, { latencyMs });
  const attribute = createAttributeConversions({
    sql: counter.sql,
    clickStore,
    notificationQueue: createSqsNotificationQueue({ client: aws.sqs, queueUrl: queue.QueueUrl! }),
    now: () => now,
  });
  const started = performance.now();
  for (let i = 0; i < messages.length; i += batchSize) {
    const response = await attribute(sqsEvent(messages.slice(i, i + batchSize) as never));
    if (response.batchItemFailures.length > 0) throw new Error(`${response.batchItemFailures.length} messages failed`);
  }
  const seconds = (performance.now() - started) / 1000;
  const recorded = (await db.sql.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM conversion_events WHERE vendor_id = :v::integer AND metadata ->> 'milestone_bonus' IS DISTINCT FROM 'true'`,
    { v: program.vendorId },
  )).rows[0]!.n;
  if (recorded !== sales) throw new Error(`expected ${sales} conversions, found ${recorded}`);

  console.log(`# Attribution consumer, ${latencyMs} ms per database round trip (${sales} three-touch sales, batches of ${batchSize}, PGlite)`);
  console.log('');
  console.log('| Measure | Value |');
  console.log('| --- | --- |');
  console.log(`| Round trips per sale | ${(counter.roundTrips / sales).toFixed(2)} (${counter.statements} statements, ${counter.transactions} transactions) |`);
  console.log(`| Conversions per second per consumer | ${(sales / seconds).toFixed(1)} |`);
  console.log(`| Wall time | ${seconds.toFixed(2)} s |`);
} finally {
  await Promise.all([db.close(), aws.close()]);
}
