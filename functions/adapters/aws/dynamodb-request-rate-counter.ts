/**
 * Per-minute request counters for the velocity rules, in the clicks table (the redirect's IAM
 * policy covers two tables only). One item per link, address prefix and minute:
 * `pk = rate#<short_code>#<ip prefix>#<epoch minute>`, `n` = requests from the prefix and one
 * `v_<visitor hash>` attribute per visitor, expiring with the TTL attribute two minutes after the
 * minute ends. No `cookie_id` attribute, so the items stay out of the `by_cookie` index.
 *
 * One UpdateItem per request (ADD is atomic, so concurrent Lambdas count exactly). The condition
 * stops the item growing once the prefix is over its cap: a flood of random user agents would
 * otherwise add an attribute per request up to DynamoDB's 400 KB item limit.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RequestRateCounter } from '../../ports/request-rate-counter.js';

const MINUTE_MS = 60_000;
/** Kept a little past its minute so a late reader never sees a half-expired count; then TTL removes it. */
const KEEP_AFTER_MINUTE_SECONDS = 120;

/** A `RequestRateCounter` on the DynamoDB clicks table. */
export function createDynamoDbRequestRateCounter({ client, tableName }: { client: DynamoDBClient; tableName: string }): RequestRateCounter {
  const doc = DynamoDBDocumentClient.from(client);
  return {
    async count({ shortCode, ipPrefix, visitorHash, now, ipCap }) {
      const minute = Math.floor(now.getTime() / MINUTE_MS);
      try {
        const output = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `rate#${shortCode}#${ipPrefix ?? '-'}#${minute}` },
            UpdateExpression: 'ADD n :one, #visitor :one SET expires_at_epoch = :expires',
            ConditionExpression: 'attribute_not_exists(n) OR n <= :cap',
            ExpressionAttributeNames: { '#visitor': `v_${visitorHash}` },
            ExpressionAttributeValues: {
              ':one': 1,
              ':cap': ipCap,
              ':expires': ((minute + 1) * MINUTE_MS) / 1000 + KEEP_AFTER_MINUTE_SECONDS,
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        const attributes = output.Attributes ?? {};
        return { ip: Number(attributes.n ?? 1), visitor: Number(attributes[`v_${visitorHash}`] ?? 1) };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { ip: ipCap + 1, visitor: 0 };
        throw error;
      }
    },
  };
}
