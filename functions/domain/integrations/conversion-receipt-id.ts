import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace of receipt ids (random, chosen once; changing it would change every receipt). */
const receiptNamespace = '6f1c2a4e-8d3b-5c7a-9e1f-2b4d6a8c0e13';

/**
 * The receipt of a conversion: a UUIDv5 of (vendor, source, transaction id, event type), the
 * same tuple as the consumer's unique key, so a repeated report gets the same receipt whichever
 * producer (API, webhook) or retry sent it.
 */
export function conversionReceiptId(input: { vendor_id: number; source: string; transaction_id: string; event_type: string }): string {
  return uuidv5(JSON.stringify([input.vendor_id, input.source, input.transaction_id, input.event_type]), receiptNamespace);
}
