/**
 * Messages on the notifications queue: one vendor webhook to deliver. One producer builds them
 * (`use-cases/queue-conversion-notices.ts`) for attribution (`conversion.created`), approvals
 * and rejections (`conversion.approved`, `conversion.rejected`). Consumer: notify-vendors, which POSTs
 * `{ type, timestamp, data: payload }` to the vendor's `webhook_url`, signed per Standard
 * Webhooks with `notification_id` as `webhook-id` (stable across retries so vendors can dedupe).
 */
import { z } from 'zod';

export const notificationEventTypes = ['conversion.created', 'conversion.approved', 'conversion.rejected'] as const;
export type NotificationEventType = (typeof notificationEventTypes)[number];

export const notificationMessageSchema = z.strictObject({
  /** Deterministic per (event type, conversion) so a re-sent notice is the same delivery. */
  notification_id: z.uuid(),
  vendor_id: z.number().int().positive(),
  event_type: z.enum(notificationEventTypes),
  payload: z.record(z.string(), z.unknown()),
});

export type NotificationMessage = z.infer<typeof notificationMessageSchema>;
