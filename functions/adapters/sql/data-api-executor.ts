/**
 * The SQL port on the RDS Data API (Aurora PostgreSQL on AWS). Statements are sent unchanged:
 * the Data API binds `:name` itself. Parameters are typed fields (with type hints where the
 * Data API has one); results come back as typed fields plus column metadata, which names each
 * column's PostgreSQL type so values map exactly as on node-postgres and PGlite.
 */
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RollbackTransactionCommand,
  type ArrayValue,
  type ColumnMetadata,
  type ExecuteStatementCommandOutput,
  type Field,
  type RDSDataClient,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import type { SqlExecutor, SqlParamValue, SqlParams, SqlRow } from '../../ports/sql-executor.js';
import { assertSingleStatement, compileNamedParameters, pickParameters } from './named-parameters.js';
import { parseInt8, parseTimestamp } from './parse-results.js';
import { assertIntegerNumber } from './to-driver-value.js';
import { isTypedSqlValue, type TypedSqlValue } from './typed-values.js';
import { joinedTransactionExecutor } from './joined-transaction-executor.js';

export { decimal, uuid } from './typed-values.js';

export interface DataApiExecutorOptions {
  client: RDSDataClient;
  /** The Aurora cluster's ARN. */
  resourceArn: string;
  /** The Secrets Manager secret holding the database credentials. */
  secretArn: string;
  database: string;
}

/** Builds an executor that runs every statement through the RDS Data API. */
export function createDataApiExecutor(options: DataApiExecutorOptions): SqlExecutor {
  const { client, resourceArn, secretArn, database } = options;

  const execute = async <Row extends SqlRow>(sql: string, params: SqlParams | undefined, transactionId?: string) => {
    const compiled = compileNamedParameters(sql);
    assertSingleStatement(compiled);
    const { names } = compiled;
    const values = pickParameters(names, params);
    const output = await client.send(
      new ExecuteStatementCommand({
        resourceArn,
        secretArn,
        database,
        sql,
        // Only the parameters the statement uses: unused ones are fine on the other engines.
        parameters: names.map((name, index) => toSqlParameter(name, values[index])),
        transactionId,
        includeResultMetadata: true,
        // Exact values: decimals as strings; longs as strings so we can refuse unsafe INT8.
        resultSetOptions: { decimalReturnType: 'STRING', longReturnType: 'STRING' },
      }),
    );
    return mapExecuteStatementOutput<Row>(output);
  };

  const transactionExecutor = (transactionId: string): SqlExecutor => joinedTransactionExecutor((sql, params) => execute(sql, params, transactionId));

  return {
    query: (sql, params) => execute(sql, params),
    async transaction(work) {
      const begun = await client.send(new BeginTransactionCommand({ resourceArn, secretArn, database }));
      const transactionId = begun.transactionId;
      if (!transactionId) throw new Error('The Data API began a transaction without an id');
      let result;
      try {
        result = await work(transactionExecutor(transactionId));
      } catch (error) {
        try {
          await client.send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId }));
        } catch {
          // The original error is what the caller needs; Aurora aborts the transaction anyway.
        }
        throw error;
      }
      await client.send(new CommitTransactionCommand({ resourceArn, secretArn, transactionId }));
      return result;
    },
  };
}

/** One JS value to a Data API parameter (see the port's binding conventions). */
export function toSqlParameter(name: string, value: SqlParamValue | TypedSqlValue): SqlParameter {
  if (value === null || value === undefined) return { name, value: { isNull: true } };
  switch (typeof value) {
    case 'string':
      return { name, value: { stringValue: value } };
    case 'boolean':
      return { name, value: { booleanValue: value } };
    case 'number':
      assertIntegerNumber(value, name);
      return { name, value: { longValue: value } };
    case 'bigint':
      // longValue is a JS number: beyond 2^53 send the exact digits (the statement casts them).
      return Number.isSafeInteger(Number(value))
        ? { name, value: { longValue: Number(value) } }
        : { name, value: { stringValue: value.toString() } };
    default:
      break;
  }
  if (isTypedSqlValue(value)) return { name, value: { stringValue: value.value }, typeHint: value.typeHint };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`SQL parameter :${name} is an invalid Date`);
    return { name, value: { stringValue: formatDataApiTimestamp(value) }, typeHint: 'TIMESTAMP' };
  }
  if (Array.isArray(value)) {
    // The Data API refuses array parameters: send a PostgreSQL array literal, cast in the SQL.
    return { name, value: { stringValue: toArrayLiteral(value, name) } };
  }
  return { name, value: { stringValue: JSON.stringify(value) }, typeHint: 'JSON' };
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, the format the TIMESTAMP type hint requires. */
export function formatDataApiTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A JS array as a PostgreSQL array literal: '{1,2}', '{"a","b \\"c\\""}', NULL for null. */
export function toArrayLiteral(values: readonly SqlParamValue[], name: string): string {
  const items = values.map((item): string => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return toArrayLiteral(item, name);
    let text: string;
    if (typeof item === 'number') {
      assertIntegerNumber(item, name);
      text = String(item);
    } else if (typeof item === 'bigint' || typeof item === 'boolean') {
      text = String(item);
    } else if (typeof item === 'string') {
      text = item;
    } else if (item instanceof Date) {
      text = item.toISOString();
    } else if (isTypedSqlValue(item)) {
      text = item.value;
    } else {
      text = JSON.stringify(item);
    }
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}

/** Rows and rowCount from an ExecuteStatement response made with `includeResultMetadata`. */
export function mapExecuteStatementOutput<Row extends SqlRow = SqlRow>(
  output: Pick<ExecuteStatementCommandOutput, 'records' | 'columnMetadata' | 'numberOfRecordsUpdated'>,
): { rows: Row[]; rowCount: number } {
  const columns = output.columnMetadata ?? [];
  const rows = (output.records ?? []).map((record) => {
    const row: SqlRow = {};
    record.forEach((field, index) => {
      const column = columns[index];
      row[column?.label ?? column?.name ?? `column${index}`] = mapField(field, column);
    });
    return row as Row;
  });
  const rowCount = rows.length > 0 ? rows.length : (output.numberOfRecordsUpdated ?? 0);
  return { rows, rowCount };
}

/** PostgreSQL array types are named '_int8' (or sometimes 'int8[]'): the element type's name. */
function elementTypeName(typeName: string): string | undefined {
  if (typeName.startsWith('_')) return typeName.slice(1);
  if (typeName.endsWith('[]')) return typeName.slice(0, -2);
  return undefined;
}

function mapField(field: Field, column: ColumnMetadata | undefined): unknown {
  const typeName = (column?.typeName ?? '').toLowerCase();
  if (field.isNull) return null;
  if (field.arrayValue !== undefined) {
    return mapArray(field.arrayValue, elementTypeName(typeName) ?? typeName);
  }
  if (field.stringValue !== undefined) return mapScalar(field.stringValue, typeName);
  if (field.longValue !== undefined) return field.longValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.blobValue !== undefined) return field.blobValue;
  return null;
}

function mapArray(array: ArrayValue, elementType: string): unknown[] {
  if (array.arrayValues) {
    return array.arrayValues.map((inner) => (inner ? mapArray(inner, elementType) : null));
  }
  if (array.stringValues) {
    return array.stringValues.map((item) => (item === null || item === undefined ? null : mapScalar(item, elementType)));
  }
  if (array.longValues) return array.longValues.map((item) => item ?? null);
  if (array.booleanValues) return array.booleanValues.map((item) => item ?? null);
  if (array.doubleValues) return array.doubleValues.map((item) => item ?? null);
  return [];
}

/** A value that arrived as a string, by its column's PostgreSQL type name. */
function mapScalar(value: string, typeName: string): unknown {
  switch (typeName) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'serial':
    case 'serial4':
    case 'serial8':
    case 'bigserial':
    case 'smallserial':
    case 'oid':
      return parseInt8(value);
    case 'timestamp':
    case 'timestamptz':
      return parseTimestamp(value);
    case 'json':
    case 'jsonb':
      return JSON.parse(value);
    case 'bool':
      return value === 't' || value === 'true';
    default:
      // numeric, text, varchar, uuid, date, ...: the string is already the port's value.
      return value;
  }
}
