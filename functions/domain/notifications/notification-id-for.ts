import { createHash } from 'node:crypto';

/**
 * Standard Webhooks `webhook-id` of a conversion notice: the same event of the same conversion
 * always gets the same id (UUID-shaped SHA-256), so a notice sent again is the same delivery and
 * vendors (and the notifier) dedupe on it.
 */
export function notificationIdFor(eventType: string, receiptId: string): string {
  const hex = createHash('sha256').update(`${eventType}:${receiptId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
