/**
 * Applies an `integration_event_mappings` row to a translated event: the mapping may name the
 * conversion event type, fill message fields from the provider payload with JSONPath, bind the
 * conversion to the mapping's campaign, and refuse the event by condition (`min_value`,
 * `excluded_tags`). Refund messages pass through untouched: they must keep the provider's
 * transaction id to meet their sale.
 */
import { JSONPath } from 'jsonpath-plus';
import { parseMoney } from '../money/parse-money.js';
import { MalformedWebhookError } from './malformed-webhook-error.js';
import type { MappingConfig } from './mapping-config-schema.js';
import { asClickId, currencyOf, decimalAmount, optionalString } from './provider-values.js';
import type { ConversionMessage, ConversionQueueMessage } from './types.js';

/** A stored mapping, its event type resolved to a name and its campaign version to a campaign. */
export interface ResolvedMapping {
  integration_event_mapping_id: number;
  /** Name of the mapped conversion event type, when the mapping names one. */
  event_type?: string;
  campaign_id?: number;
  config: MappingConfig;
}

export type MappingOutcome = { apply: true; messages: ConversionQueueMessage[] } | { apply: false; reason: string };

function first(path: string, subject: unknown): unknown {
  const found = JSONPath({ path, json: subject as object, wrap: true, eval: false }) as unknown[];
  return found.find((v) => v !== null && v !== undefined);
}

function eventValueOf(value: unknown, path: string): string {
  // A JSON number here was written by the provider with at most two decimals; String() restores that literal.
  const text = typeof value === 'number' ? String(value) : value;
  return decimalAmount(text, `field_mappings.event_value (${path})`);
}

function mapConversion(message: ConversionMessage, mapping: ResolvedMapping, subject: unknown): ConversionMessage {
  const out: ConversionMessage = { ...message };
  if (mapping.event_type) out.event_type = mapping.event_type;
  if (mapping.campaign_id !== undefined) out.campaign_id = mapping.campaign_id;
  for (const [field, path] of Object.entries(mapping.config.field_mappings ?? {})) {
    if (!path) continue;
    const value = first(path, subject);
    if (value === undefined) continue;
    switch (field) {
      case 'event_value':
        out.event_value = eventValueOf(value, path);
        break;
      case 'click_id': {
        const id = asClickId(value);
        if (id) out.click_id = id;
        break;
      }
      case 'currency': {
        const currency = currencyOf(value);
        if (currency) out.currency = currency;
        break;
      }
      case 'transaction_id':
      case 'customer_email':
      case 'customer_id': {
        const text = optionalString(value);
        if (text) out[field] = text;
        break;
      }
      default:
        throw new MalformedWebhookError(`Unknown mapped field ${field}`);
    }
  }
  return out;
}

/** Applies `mapping` (or nothing when absent) to the translated `messages`. */
export function applyEventMapping(input: {
  messages: ConversionQueueMessage[];
  mapping: ResolvedMapping | undefined;
  subject: unknown;
  tags: string[];
}): MappingOutcome {
  const { mapping } = input;
  if (!mapping) return { apply: true, messages: input.messages };
  const messages = input.messages.map((m) => (m.kind === 'conversion' ? mapConversion(m, mapping, input.subject) : m));
  const conditions = mapping.config.conditions ?? {};
  const excluded = new Set((conditions.excluded_tags ?? []).map((t) => t.toLowerCase()));
  const hit = input.tags.find((t) => excluded.has(t.toLowerCase()));
  if (hit !== undefined) return { apply: false, reason: `excluded tag "${hit}"` };
  if (conditions.min_value !== undefined) {
    const min = parseMoney(conditions.min_value);
    for (const m of messages) {
      if (m.kind !== 'conversion') continue;
      if (m.event_value === undefined || parseMoney(m.event_value) < min) {
        return { apply: false, reason: `event value ${m.event_value ?? 'absent'} below min_value ${conditions.min_value}` };
      }
    }
  }
  return { apply: true, messages };
}
