/**
 * The links table (DynamoDB, keyed by `short_code`) as a `LinkStore`: the redirect reads it
 * (behind the warm-Lambda cache), the management API writes it through.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LinkItem, LinkStore } from '../../ports/link-store.js';

export interface DynamoDbLinkStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /**
   * Strongly consistent reads. Off for the redirect (its cache already serves data up to 30 s old,
   * and eventually consistent reads cost half); on for read-after-write callers.
   */
  consistentRead?: boolean;
}

function isLinkItem(value: unknown): value is LinkItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return (
    typeof item.short_code === 'string' &&
    typeof item.destination_url === 'string' &&
    (item.status === 'active' || item.status === 'inactive') &&
    typeof item.partner_link_id === 'number' &&
    typeof item.campaign_partner_id === 'number' &&
    typeof item.partner_id === 'number' &&
    typeof item.vendor_id === 'number' &&
    typeof item.campaign_id === 'number' &&
    typeof item.campaign_version_id === 'number' &&
    typeof item.cookie_duration_days === 'number'
  );
}

/** A `LinkStore` on the DynamoDB links table. */
export function createDynamoDbLinkStore({ client, tableName, consistentRead = false }: DynamoDbLinkStoreOptions): LinkStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    async get(shortCode) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: { short_code: shortCode }, ConsistentRead: consistentRead }));
      if (out.Item === undefined) return undefined;
      // A malformed item is treated as absent (the redirect answers 404) rather than trusted.
      if (!isLinkItem(out.Item)) return undefined;
      return {
        ...out.Item,
        utm_params: out.Item.utm_params ?? {},
        custom_params: out.Item.custom_params ?? {},
      };
    },
    async put(item) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            // A late repair or a retried write never replaces a newer item.
            ConditionExpression: 'attribute_not_exists(short_code) OR updated_at <= :updated_at',
            ExpressionAttributeValues: { ':updated_at': item.updated_at },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return;
        throw error;
      }
    },
  };
}
