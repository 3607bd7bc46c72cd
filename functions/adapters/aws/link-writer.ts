/**
 * The management API's writer of link items into the DynamoDB hot store (`links` table, keyed by
 * short_code). A put never replaces a newer item: the condition on `updated_at` makes a late
 * repair or a retried request harmless.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LinkItem, LinkStore } from '../../ports/link-store.js';

export function createLinkStore({ client, tableName }: { client: DynamoDBClient; tableName: string }): LinkStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    async get(shortCode) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: { short_code: shortCode }, ConsistentRead: true }));
      return out.Item as LinkItem | undefined;
    },
    async put(item) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(short_code) OR updated_at <= :u',
            ExpressionAttributeValues: { ':u': item.updated_at },
          }),
        );
      } catch (error) {
        // A newer item is already there: this write is stale, and the store is right as it is.
        if (error instanceof ConditionalCheckFailedException) return;
        throw error;
      }
    },
  };
}
