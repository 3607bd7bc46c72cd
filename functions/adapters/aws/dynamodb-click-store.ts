/**
 * The clicks table (DynamoDB) as a `ClickStore`. Click items: `pk = <click id>`, the click record,
 * `cookie_id` + `clicked_at` for the sparse `by_cookie` index, and the TTL attribute. Visit markers:
 * `pk = visit#<short_code>#<visitor hash>`, without `cookie_id` so they stay out of the index.
 *
 * Neither transactions nor TTL are needed (dynalite has neither): the repeat check is one
 * conditional put that also overwrites an expired marker, and readers drop expired items.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { tables } from '../../../lib/resources.js';
import type { ClickStore, StoredClick } from '../../ports/click-store.js';

const BY_COOKIE = tables.clicks.globalSecondaryIndexes[0].indexName;

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function visitKey(shortCode: string, visitorHash: string): string {
  return `visit#${shortCode}#${visitorHash}`;
}

function toStoredClick(item: Record<string, unknown>): StoredClick {
  const { pk: _pk, ...click } = item;
  return click as unknown as StoredClick;
}

/** A `ClickStore` on the DynamoDB clicks table. */
export function createDynamoDbClickStore({ client, tableName }: { client: DynamoDBClient; tableName: string }): ClickStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    async recordVisit({ shortCode, visitorHash, clickId, cookieId, now, windowSeconds }) {
      if (windowSeconds <= 0) return { firstInWindow: true };
      const key = visitKey(shortCode, visitorHash);
      const nowEpoch = epochSeconds(now);
      let previous: Record<string, unknown> | undefined;
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk: key,
              visit_click_id: clickId,
              visit_cookie_id: cookieId,
              visited_at: now.toISOString(),
              expires_at_epoch: nowEpoch + windowSeconds,
            },
            // Absent, or present but expired (TTL deletes lazily on AWS and never on dynalite).
            ConditionExpression: 'attribute_not_exists(pk) OR expires_at_epoch < :now',
            ExpressionAttributeValues: { ':now': nowEpoch },
            // A repeat learns the first visit's ids from the failed condition itself: the redirect
            // is granted no GetItem on the clicks table.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { firstInWindow: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        previous = error.Item ? unmarshall(error.Item) : undefined;
      }
      // A repeat carries the click and cookie the first visit used (the merchant already holds
      // that click id). DynamoDB returns the old item with the failed condition; dynalite, the
      // local stand-in, does not, so only there the marker is read again.
      const marker = previous ?? (await doc.send(new GetCommand({ TableName: tableName, Key: { pk: key }, ConsistentRead: true }))).Item;
      const clickIdSeen = marker?.visit_click_id;
      const cookieIdSeen = marker?.visit_cookie_id;
      return {
        firstInWindow: false,
        clickId: typeof clickIdSeen === 'string' ? clickIdSeen : undefined,
        cookieId: typeof cookieIdSeen === 'string' ? cookieIdSeen : undefined,
      };
    },

    async put(click, { expiresAt }) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: click.click_id, ...click, expires_at_epoch: epochSeconds(expiresAt) },
        }),
      );
    },

    async get(clickId, now) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: clickId } }));
      const item = out.Item;
      if (!item || typeof item.click_id !== 'string') return undefined;
      if (typeof item.expires_at_epoch === 'number' && item.expires_at_epoch <= epochSeconds(now)) return undefined;
      return toStoredClick(item);
    },

    async listByCookie(cookieId, { now, since, limit = 100 }) {
      const clicks: StoredClick[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: BY_COOKIE,
            KeyConditionExpression: since ? 'cookie_id = :cookie AND clicked_at >= :since' : 'cookie_id = :cookie',
            FilterExpression: 'expires_at_epoch > :now',
            ExpressionAttributeValues: {
              ':cookie': cookieId,
              ':now': epochSeconds(now),
              ...(since ? { ':since': since.toISOString() } : {}),
            },
            ScanIndexForward: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) clicks.push(toStoredClick(item));
        startKey = out.LastEvaluatedKey;
      } while (startKey && clicks.length < limit);
      return clicks.slice(0, limit);
    },
  };
}
