/**
 * The clicks table (DynamoDB) as a `ClickEraser`: each cookie's items found through the `by_cookie`
 * index (keys only) and deleted one by one; idempotent (a re-run finds nothing left).
 */
import { DeleteItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ClickEraser } from '../../ports/click-eraser.js';

export function createDynamoDbClickEraser({ client, tableName }: { client: DynamoDBClient; tableName: string }): ClickEraser {
  return {
    async deleteClicksOfCookies(cookieIds) {
      let deleted = 0;
      for (const cookieId of cookieIds) {
        let startKey: Record<string, never> | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: 'by_cookie',
              KeyConditionExpression: 'cookie_id = :c',
              ExpressionAttributeValues: { ':c': { S: cookieId } },
              ProjectionExpression: 'pk',
              ExclusiveStartKey: startKey,
            }),
          );
          for (const item of page.Items ?? []) {
            if (!item.pk) continue;
            await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: item.pk } }));
            deleted += 1;
          }
          startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
        } while (startKey);
      }
      return deleted;
    },
  };
}
