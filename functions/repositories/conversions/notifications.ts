/**
 * `notification_deliveries`: one row per outbound vendor notification (keyed by the Standard
 * Webhooks id), with its attempts. status: pending (not delivered yet, retrying), delivered,
 * failed (given up: no endpoint, refused target, or the last SQS receive failed).
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { NotificationMessage } from '../../ports/notification-message.js';

export interface DeliveryRow {
  notification_id: string;
  status: string;
  attempts: number;
}

/** Creates the delivery row if it is new; returns its current state either way. */
export async function ensureDelivery(sql: SqlExecutor, input: { message: NotificationMessage; now: Date }): Promise<DeliveryRow> {
  await sql.query(
    `INSERT INTO notification_deliveries (notification_id, vendor_id, event_type, payload, status, attempts, created_at)
     VALUES (:id::uuid, :vendor_id::integer, :event_type, :payload::jsonb, 'pending', 0, :now::timestamptz)
     ON CONFLICT (notification_id) DO NOTHING`,
    {
      id: input.message.notification_id,
      vendor_id: input.message.vendor_id,
      event_type: input.message.event_type,
      payload: input.message.payload,
      now: input.now,
    },
  );
  const { rows } = await sql.query<DeliveryRow & Record<string, unknown>>(
    `SELECT notification_id, status, attempts FROM notification_deliveries WHERE notification_id = :id::uuid`,
    { id: input.message.notification_id },
  );
  return rows[0]!;
}

/** Records one attempt's outcome (attempts counts POSTs actually tried or refused). */
export async function recordAttempt(
  sql: SqlExecutor,
  input: { notification_id: string; status: 'pending' | 'delivered' | 'failed'; error: string | null; now: Date; countsAsAttempt: boolean },
): Promise<void> {
  await sql.query(
    `UPDATE notification_deliveries
     SET status = :status::text, attempts = attempts + :inc::integer, last_error = :error,
         delivered_at = CASE WHEN :status::text = 'delivered' THEN :now::timestamptz ELSE delivered_at END
     WHERE notification_id = :id::uuid AND status <> 'delivered'`,
    { id: input.notification_id, status: input.status, error: input.error, now: input.now, inc: input.countsAsAttempt ? 1 : 0 },
  );
}

/** The vendor's endpoint and signing secret; undefined for an unknown or deleted vendor. */
export async function findVendorWebhookTarget(
  sql: SqlExecutor,
  vendorId: number,
): Promise<{ webhook_url: string | null; webhook_secret: string | null; status: string | null } | undefined> {
  const { rows } = await sql.query<{ webhook_url: string | null; webhook_secret: string | null; status: string | null }>(
    `SELECT webhook_url, webhook_secret, status FROM vendors WHERE vendor_id = :id::integer AND is_deleted IS NOT TRUE`,
    { id: vendorId },
  );
  return rows[0];
}
