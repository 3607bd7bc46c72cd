/**
 * The record-conversion and apply-refund use cases on PGlite, dynalite and the local SQS: the
 * outcome each message gets, the business metrics it adds (conversions by source and outcome,
 * commission and refund amounts in minor units per currency) and the notice it queues after the
 * commit.
 */
import { describe, expect, it } from 'vitest';
import { createSqsNotificationQueue } from '../../../functions/adapters/aws/sqs-notification-queue.js';
import { notificationIdFor } from '../../../functions/domain/notifications/index.js';
import type { ConversionMessage } from '../../../functions/ports/conversion-message.js';
import { notificationMessageSchema } from '../../../functions/ports/notification-message.js';
import { applyRefund } from '../../../functions/use-cases/apply-refund.js';
import { recordConversion } from '../../../functions/use-cases/record-conversion.js';
import { recordingLogger, recordingMetrics } from '../../support/fixtures/recording-telemetry.js';
import { seedProgram } from '../../support/fixtures/seed.js';
import { NOW, useHarness } from '../../support/platform/attribute-conversions-harness.js';
import { refund, sale } from '../../support/messages/conversions.js';

describe('recordConversion and applyRefund', () => {
  const h = useHarness();

  function deps() {
    const metrics = recordingMetrics();
    const logger = recordingLogger();
    const notificationQueue = createSqsNotificationQueue({ client: h.aws.sqs, queueUrl: h.notificationsQueueUrl });
    return { metrics, logger, common: { sql: h.sql, notificationQueue, logger, metrics } };
  }

  const record = (common: ReturnType<typeof deps>['common'], message: ConversionMessage) =>
    recordConversion({ ...common, clickStore: h.store, message, now: NOW });

  async function notices() {
    return (await h.aws.drain(h.notificationsQueueUrl)).map((m) => notificationMessageSchema.parse(JSON.parse(m.Body!)));
  }

  it('an attributed sale counts as attributed, adds its commission in cents of its currency, and queues conversion.created once per delivery', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    await notices();
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const message = sale(program.vendorId, { click_id: click.click_id, source: 'stripe', event_value: '123.45' });
    const { metrics, common, logger } = deps();

    const outcome = await record(common, message);
    expect(outcome).toMatchObject({ kind: 'created', status: 'pending', currency: 'USD', commissionCents: 1235n }); // 10 % of $123.45 = $12.345 -> $12.35
    expect(metrics.recorded).toEqual([
      { name: 'Conversions', value: 1, dimensions: { source: 'stripe', outcome: 'attributed' } },
      { name: 'CommissionAmount', value: 1235, dimensions: { currency: 'USD' } },
    ]);
    const [notice] = await notices();
    expect(notice).toMatchObject({
      notification_id: notificationIdFor('conversion.created', message.receipt_id),
      event_type: 'conversion.created',
      payload: { receipt_id: message.receipt_id, event_type: 'sale', commission_amount: '12.35', currency: 'USD', status: 'pending' },
    });

    // The same message again: nothing written, counted as a duplicate, the same notice sent again.
    expect(await record(common, message)).toEqual({ kind: 'duplicate' });
    expect(metrics.total('Conversions', { outcome: 'duplicate' })).toBe(1);
    expect(metrics.total('CommissionAmount')).toBe(1235);
    expect((await notices()).map((n) => n.notification_id)).toEqual([notice!.notification_id]);
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('a sale without a click is unattributed (logged with its correlation id), a self-referral is rejected; neither earns', async () => {
    const stamp = `${Date.now()}`;
    const program = await seedProgram(h.sql, { partners: [{ email: `jo.smith.${stamp}@gmail.com` }] });
    const { metrics, logger, common } = deps();
    const lost = sale(program.vendorId);
    expect(await record(common, lost)).toEqual({ kind: 'unattributed', reason: 'no_click_or_customer' });
    expect(logger.lines).toContainEqual({
      level: 'info',
      message: 'conversion_unattributed',
      fields: { correlation_id: `api:${lost.transaction_id}`, receipt_id: lost.receipt_id, reason: 'no_click_or_customer' },
    });
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const own = sale(program.vendorId, { click_id: click.click_id, customer_email: `JoSmith${stamp}@GoogleMail.com` });
    expect(await record(common, own)).toMatchObject({ kind: 'created', status: 'rejected', commissionCents: 0n });
    expect(metrics.recorded).toEqual([
      { name: 'Conversions', value: 1, dimensions: { source: 'api', outcome: 'unattributed' } },
      { name: 'Conversions', value: 1, dimensions: { source: 'api', outcome: 'rejected' } },
    ]);
  });

  it('a JPY sale adds its commission in yen (no minor unit), never mixed with dollars', async () => {
    const program = await seedProgram(h.sql, { partners: 1, version: { currency: 'JPY' } });
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const { metrics, common } = deps();
    await record(common, sale(program.vendorId, { click_id: click.click_id, event_value: '5000', currency: 'JPY' }));
    expect(metrics.recorded).toContainEqual({ name: 'CommissionAmount', value: 500, dimensions: { currency: 'JPY' } });
    expect(metrics.total('CommissionAmount', { currency: 'USD' })).toBe(0);
  });

  it('a refund adds the newly refunded amount once, and a full refund tells the vendor conversion.rejected', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const message = sale(program.vendorId, { click_id: click.click_id, event_value: '80.00' });
    const { metrics, common } = deps();
    await record(common, message);
    await notices();

    const partial = refund(program.vendorId, message.transaction_id, { amount: '30.00' });
    expect(await applyRefund({ ...common, message: partial })).toMatchObject({ kind: 'refund_applied', rejectedIds: [] });
    expect(await applyRefund({ ...common, message: partial })).toEqual({ kind: 'duplicate' });
    expect(metrics.total('RefundAmount', { currency: 'USD' })).toBe(3000);
    expect(await notices()).toEqual([]);

    const rest = refund(program.vendorId, message.transaction_id); // no amount: the whole sale
    const outcome = await applyRefund({ ...common, message: rest });
    expect(outcome).toMatchObject({ kind: 'refund_applied' });
    expect(metrics.total('RefundAmount', { currency: 'USD' })).toBe(8000);
    expect((await notices()).map((n) => [n.event_type, n.payload.status, n.payload.receipt_id])).toEqual([['conversion.rejected', 'rejected', message.receipt_id]]);
  });

  it('a refund before its sale is held: nothing refunded yet, nothing counted', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const { metrics, common } = deps();
    expect(await applyRefund({ ...common, message: refund(program.vendorId, `tx-${crypto.randomUUID()}`, { amount: '10.00' }) })).toEqual({ kind: 'refund_held' });
    expect(metrics.recorded).toEqual([]);
  });

  it('without a notifications queue, records and logs that notices are off', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const { logger, metrics } = deps();
    const outcome = await recordConversion({ sql: h.sql, clickStore: h.store, message: sale(program.vendorId, { click_id: click.click_id }), now: NOW, logger, metrics });
    expect(outcome.kind).toBe('created');
    expect(logger.lines).toContainEqual(expect.objectContaining({ message: 'conversion_notification_skipped' }));
  });
});
