/**
 * The management API's link store: the shared DynamoDB adapter with strongly consistent reads
 * (the API reads its own writes, e.g. in repair checks). Puts never replace a newer item.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LinkStore } from '../../ports/link-store.js';
import { createDynamoDbLinkStore } from './dynamodb-link-store.js';

export function createLinkStore({ client, tableName }: { client: DynamoDBClient; tableName: string }): LinkStore {
  return createDynamoDbLinkStore({ client, tableName, consistentRead: true });
}
