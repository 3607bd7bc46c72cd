import type { ConversionMessage, ConversionQueueMessage } from '../../ports/conversion-message.js';

/** What the translators need to know about the integration a webhook arrived on. */
export interface IntegrationContext {
  integration_id: number;
  vendor_id: number;
  /** The integration's default campaign (restricts attribution), if any. */
  campaign_id?: number;
}

/**
 * A provider event translated to queue messages, or ignored with a reason (unhandled event type,
 * unpaid order, a mapping condition not met). `tags` feeds the mappings' `excluded_tags`.
 */
export type WebhookTranslation =
  | {
      handled: true;
      messages: ConversionQueueMessage[];
      /** The provider object JSONPath field mappings are evaluated against. */
      mappingSubject: unknown;
      tags: string[];
    }
  | { handled: false; reason: string };

export type { ConversionMessage, ConversionQueueMessage };
