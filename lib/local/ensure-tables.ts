import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type AttributeDefinition,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import type { KeyAttribute, TableDeclaration } from '../resources.js';
import type { LocalLog } from './local-log.js';

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

function attributeDefinitions(table: TableDeclaration): AttributeDefinition[] {
  const byName = new Map<string, AttributeDefinition>();
  const keys = [table.partitionKey, table.sortKey, ...table.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  for (const key of keys) {
    if (key) byName.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  return [...byName.values()];
}

/**
 * Creates every declared table (key schema and GSIs) unless it exists already, which it does on
 * every start after the first since dynalite is persisted. The TTL attribute is not configured:
 * dynalite never expires items, so readers filter by time themselves.
 */
export async function ensureTables(options: {
  dynamodb: DynamoDBClient;
  tables: readonly TableDeclaration[];
  log: LocalLog;
}): Promise<void> {
  for (const table of options.tables) {
    try {
      await options.dynamodb.send(
        new CreateTableCommand({
          TableName: table.name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: keySchema(table.partitionKey, table.sortKey),
          AttributeDefinitions: attributeDefinitions(table),
          ...(table.globalSecondaryIndexes.length > 0
            ? {
                GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
                  IndexName: index.indexName,
                  KeySchema: keySchema(index.partitionKey, index.sortKey),
                  Projection: { ProjectionType: 'ALL' },
                })),
              }
            : {}),
        }),
      );
      options.log.info(`created table ${table.name}`);
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      const described = await options.dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
      const existing = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
      const missing = table.globalSecondaryIndexes.filter((index) => !existing.has(index.indexName));
      if (missing.length > 0) {
        options.log.warn(
          `table ${table.name} predates index(es) ${missing.map((index) => index.indexName).join(', ')}: delete the data directory's dynamodb folder to recreate it`,
        );
      }
    }
  }
}
