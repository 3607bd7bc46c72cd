/**
 * What a sale costs in database round trips (issue 16): on AWS every statement, BEGIN and COMMIT
 * is one HTTPS call to the Data API, so the count, not the SQL time, sets the consumer's latency.
 * One attributed multi-touch sale with a tier, a rule, a milestone that fires and its notice.
 */
import { describe, expect, it } from 'vitest';
import { createSqsNotificationQueue } from '../../../functions/adapters/aws/sqs-notification-queue.js';
import { notificationMessageSchema } from '../../../functions/ports/notification-message.js';
import { recordConversion } from '../../../functions/use-cases/record-conversion.js';
import { countRoundTrips } from '../../support/database/round-trip-counter.js';
import { seedPricedProgram } from '../../support/fixtures/seed-priced-program.js';
import { sale } from '../../support/messages/conversions.js';
import { NOW, useHarness } from '../../support/platform/attribute-conversions-harness.js';

describe('recordConversion round trips', () => {
  const h = useHarness();

  it('records a multi-touch sale with a tier, a rule, a milestone bonus and its notice in a counted number of round trips', async () => {
    const program = await seedPricedProgram(h.sql, { silverFrom: '1000', silverTo: '5000' });
    const [a, b] = program.partners;
    const cookie = crypto.randomUUID();
    const first = await h.click(a!.links[0]!, '2024-03-15T10:00:00.000Z', { cookie_id: cookie });
    await h.click(b!.links[0]!, '2024-03-16T10:00:00.000Z', { cookie_id: cookie });
    await h.click(a!.links[0]!, '2024-03-17T10:00:00.000Z', { cookie_id: cookie });
    await h.aws.drain(h.notificationsQueueUrl);

    const counter = countRoundTrips(h.sql);
    const notificationQueue = createSqsNotificationQueue({ client: h.aws.sqs, queueUrl: h.notificationsQueueUrl });
    const message = sale(program.vendorId, { click_id: first.click_id, event_value: '100.00' });
    const outcome = await recordConversion({ sql: counter.sql, clickStore: h.store, notificationQueue, message, now: NOW });

    // 10 % of $100 + the rule's $2 = $12.00, and the milestone's $50 bonus.
    expect(outcome).toMatchObject({ kind: 'created', status: 'pending', currency: 'USD', commissionCents: 6200n });
    const rows = await h.sql.query<{ commission_amount: string; applied_commission_rule_id: number | null; touches: number }>(
      `SELECT ce.commission_amount, ce.applied_commission_rule_id,
              (SELECT count(*)::integer FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id) AS touches
       FROM conversion_events ce WHERE ce.vendor_id = :v::integer ORDER BY ce.conversion_event_id`,
      { v: program.vendorId },
    );
    expect(rows.rows.map((r) => [r.commission_amount, r.touches])).toEqual([['12.000', 3], ['50.000', 1]]);
    const bonusRow = await h.sql.query<{ triggered_by: string; sale: string }>(
      `SELECT b.metadata ->> 'triggered_by_conversion_event_id' AS triggered_by, s.conversion_event_id::text AS sale
       FROM conversion_events b JOIN conversion_events s ON s.transaction_id = :tx AND s.vendor_id = b.vendor_id
       WHERE b.vendor_id = :v::integer AND b.metadata ->> 'milestone_bonus' = 'true'`,
      { v: program.vendorId, tx: message.transaction_id },
    );
    expect(bonusRow.rows).toHaveLength(1);
    expect(bonusRow.rows[0]!.triggered_by).toBe(bonusRow.rows[0]!.sale);
    const notices = (await h.aws.drain(h.notificationsQueueUrl)).map((m) => notificationMessageSchema.parse(JSON.parse(m.Body!)));
    expect(notices.map((n) => n.payload.receipt_id)).toContain(message.receipt_id);

    // Before issue 16's reduction: 28 statements in one transaction (BEGIN and COMMIT made 30).
    expect({ roundTrips: counter.roundTrips, statements: counter.statements, transactions: counter.transactions }, counter.log.join('\n')).toEqual({
      roundTrips: 8,
      statements: 6,
      transactions: 1,
    });
  });
});
