import { signStandardWebhook, type StandardWebhookHeaders } from '../webhooks/index.js';
import type { NotificationMessage } from '../../ports/notification-message.js';

export interface VendorWebhookRequest {
  body: string;
  headers: StandardWebhookHeaders & { 'content-type': string; 'user-agent': string };
}

/**
 * The request a vendor receives: a Standard Webhooks envelope `{ type, timestamp, data }`, signed
 * over the exact body bytes sent. `webhook-id` is the notification id (the same on every retry);
 * `webhook-timestamp` is this attempt's, so a retry is still inside the receiver's tolerance.
 */
export function buildVendorWebhook(input: { message: NotificationMessage; secret: string; now: Date }): VendorWebhookRequest {
  const body = JSON.stringify({ type: input.message.event_type, timestamp: input.now.toISOString(), data: input.message.payload });
  const signed = signStandardWebhook({ id: input.message.notification_id, timestamp: input.now, body, secret: input.secret });
  return { body, headers: { ...signed, 'content-type': 'application/json', 'user-agent': 'affiliate-platform-webhooks/1' } };
}
