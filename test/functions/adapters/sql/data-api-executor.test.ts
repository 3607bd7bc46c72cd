import { readFileSync } from 'node:fs';
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
  type ExecuteStatementCommandOutput,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDataApiExecutor,
  decimal,
  uuid,
} from '../../../../functions/adapters/sql/data-api-executor.js';
import { MissingSqlParameterError } from '../../../../functions/adapters/sql/named-parameters.js';

const rds = mockClient(RDSDataClient);

const target = {
  resourceArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:affiliate',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:affiliate-db-AbCdEf',
  database: 'affiliate',
};

function recorded(name: string): ExecuteStatementCommandOutput {
  const url = new URL(`../../../../events/data-api/${name}.json`, import.meta.url);
  return structuredClone(JSON.parse(readFileSync(url, 'utf8')) as ExecuteStatementCommandOutput);
}

function executor() {
  return createDataApiExecutor({ client: new RDSDataClient({ region: 'eu-west-1' }), ...target });
}

/** The parameters of the n-th ExecuteStatement call. */
function sentParameters(call = 0) {
  return rds.commandCalls(ExecuteStatementCommand)[call]?.args[0].input.parameters;
}

afterEach(() => {
  rds.reset();
});

describe('Data API executor: parameters', () => {
  it.each([
    ['a decimal string as text for :amount::numeric', { amount: '12.30' }, [{ name: 'amount', value: { stringValue: '12.30' } }]],
    ['decimal() with the DECIMAL hint', { amount: decimal('12.30') }, [{ name: 'amount', value: { stringValue: '12.30' }, typeHint: 'DECIMAL' }]],
    [
      'a plain object as JSON text with the JSON hint',
      { meta: { order: 'A-1', items: [{ sku: 'X' }] } },
      [{ name: 'meta', value: { stringValue: '{"order":"A-1","items":[{"sku":"X"}]}' }, typeHint: 'JSON' }],
    ],
    [
      'uuid() with the UUID hint',
      { cookie: uuid('0190a0b4-7c1e-7b3a-9f00-0123456789ab') },
      [{ name: 'cookie', value: { stringValue: '0190a0b4-7c1e-7b3a-9f00-0123456789ab' }, typeHint: 'UUID' }],
    ],
    [
      'a Date as a UTC TIMESTAMP string',
      { at: new Date('2024-01-15T10:00:00.123Z') },
      [{ name: 'at', value: { stringValue: '2024-01-15 10:00:00.123' }, typeHint: 'TIMESTAMP' }],
    ],
    ['null as NULL', { v: null }, [{ name: 'v', value: { isNull: true } }]],
    ['undefined as NULL', { v: undefined }, [{ name: 'v', value: { isNull: true } }]],
    ['true', { v: true }, [{ name: 'v', value: { booleanValue: true } }]],
    ['false', { v: false }, [{ name: 'v', value: { booleanValue: false } }]],
    ['an integer', { v: -42 }, [{ name: 'v', value: { longValue: -42 } }]],
    ['a safe bigint as a long', { v: 9_007_199_254_740_991n }, [{ name: 'v', value: { longValue: 9_007_199_254_740_991 } }]],
    ['an unsafe bigint as its exact digits', { v: 9_007_199_254_740_993n }, [{ name: 'v', value: { stringValue: '9007199254740993' } }]],
    ['an integer array as an array literal', { ids: [1, 2, 3] }, [{ name: 'ids', value: { stringValue: '{"1","2","3"}' } }]],
    [
      'a text array with quotes, backslashes, commas and NULL',
      { codes: ['a,b', 'say "hi"', 'back\\slash', null, 'NULL'] },
      [{ name: 'codes', value: { stringValue: '{"a,b","say \\"hi\\"","back\\\\slash",NULL,"NULL"}' } }],
    ],
    ['an empty array', { ids: [] }, [{ name: 'ids', value: { stringValue: '{}' } }]],
    ['a nested array', { grid: [[1, 2], [3, 4]] }, [{ name: 'grid', value: { stringValue: '{{"1","2"},{"3","4"}}' } }]],
  ])('binds %s', async (_case, params, expected) => {
    rds.on(ExecuteStatementCommand).resolves(recorded('execute-statement-update'));
    const name = Object.keys(params)[0];
    await executor().query(`SELECT :${name}`, params);
    expect(sentParameters()).toEqual(expected);
  });

  it('refuses a binary float: money must be a decimal string', async () => {
    rds.on(ExecuteStatementCommand).resolves(recorded('execute-statement-update'));
    await expect(executor().query('SELECT :amount::numeric', { amount: 12.3 })).rejects.toThrow(TypeError);
    await expect(executor().query('SELECT :ids::bigint[]', { ids: [1, 2.5] })).rejects.toThrow(TypeError);
    expect(rds.commandCalls(ExecuteStatementCommand)).toHaveLength(0);
  });

  it('sends the statement unchanged, casts untouched, each used name once and no unused ones', async () => {
    rds.on(ExecuteStatementCommand).resolves(recorded('execute-statement-update'));
    const sql = `UPDATE conversions SET status = :status, metadata = :meta::jsonb, updated_at = :at::timestamptz
      WHERE id = ANY(:ids::bigint[]) AND vendor_id = :vendor_id AND note <> 'at 10:30' AND :status <> 'x'::text`;
    await executor().query(sql, {
      status: 'approved',
      meta: { by: 'vendor' },
      at: new Date('2024-03-01T00:00:00Z'),
      ids: [7, 8],
      vendor_id: 5,
      unused: 'ignored',
    });
    const call = rds.commandCalls(ExecuteStatementCommand)[0]?.args[0].input;
    expect(call).toMatchObject({
      ...target,
      sql,
      includeResultMetadata: true,
      resultSetOptions: { decimalReturnType: 'STRING', longReturnType: 'STRING' },
    });
    expect(call?.transactionId).toBeUndefined();
    expect(call?.parameters?.map((parameter) => parameter.name)).toEqual(['status', 'meta', 'at', 'ids', 'vendor_id']);
  });

  it('refuses more than one statement per call, before calling AWS', async () => {
    await expect(executor().query('DELETE FROM a; DELETE FROM b')).rejects.toThrow(/exactly one statement/);
    expect(rds.commandCalls(ExecuteStatementCommand)).toHaveLength(0);
  });

  it('throws before calling AWS when a parameter is missing', async () => {
    await expect(executor().query('SELECT :a, :b', { a: 1 })).rejects.toThrow(MissingSqlParameterError);
    expect(rds.commandCalls(ExecuteStatementCommand)).toHaveLength(0);
  });
});

describe('Data API executor: results', () => {
  it('maps a recorded SELECT: numeric as strings, timestamps as ISO UTC, JSON parsed, NULLs', async () => {
    rds.on(ExecuteStatementCommand).resolves(recorded('execute-statement-select-conversion'));
    const result = await executor().query('SELECT * FROM conversions WHERE id IN (42, 43)');
    expect(result.rowCount).toBe(2);
    expect(result.rows).toEqual([
      {
        id: 42,
        commission_amount: '12.30',
        sale_amount: '123456789012345678901234567890.10',
        metadata: { order: 'A-1001', items: [{ sku: 'X', qty: 2 }] },
        created_at: '2024-01-15T10:00:00.123Z',
        approved_at: '2024-01-16T08:30:00.000Z',
        cookie_id: '0190a0b4-7c1e-7b3a-9f00-0123456789ab',
        is_first: true,
        customer_email: null,
        partner_count: 3,
        event_date: '2024-01-15',
      },
      {
        id: 43,
        commission_amount: '0.00',
        sale_amount: null,
        metadata: null,
        created_at: '2024-01-15T23:59:59.999Z',
        approved_at: null,
        cookie_id: null,
        is_first: false,
        customer_email: 'shopper@example.com',
        partner_count: 0,
        event_date: null,
      },
    ]);
  });

  it('maps recorded arrays by their element type', async () => {
    rds.on(ExecuteStatementCommand).resolves(recorded('execute-statement-select-arrays'));
    const { rows } = await executor().query('SELECT ...');
    expect(rows).toEqual([
      {
        click_ids: [101, 102, 103],
        codes: ['spring', 'a,b', null],
        amounts: ['1.10', '0.01'],
        touched_at: ['2024-01-15T10:00:00.000Z', '2024-01-15T11:00:00.500Z'],
        grid: [
          [1, 2],
          [3, 4],
        ],
      },
    ]);
  });

  it('refuses an INT8 that a JS number cannot hold exactly', async () => {
    const response = recorded('execute-statement-select-conversion');
    response.records = [[{ stringValue: '9007199254740993' }]];
    response.columnMetadata = response.columnMetadata?.slice(0, 1);
    rds.on(ExecuteStatementCommand).resolves(response);
    await expect(executor().query('SELECT id FROM conversions')).rejects.toThrow(RangeError);
  });

  it('reports numberOfRecordsUpdated as rowCount for writes', async () => {
    rds.on(ExecuteStatementCommand).resolves(recorded('execute-statement-update'));
    expect(await executor().query("UPDATE conversions SET status = 'approved'")).toEqual({ rows: [], rowCount: 3 });
  });
});

describe('Data API executor: transactions', () => {
  const transactionId = 'AQC5SRDIm6SKAoOvOGBtgXZ3tZxsjg2sY/lHm8E9dHYs';

  function mockTransaction() {
    rds.on(BeginTransactionCommand).resolves({ transactionId });
    rds.on(CommitTransactionCommand).resolves({ transactionStatus: 'Transaction Committed' });
    rds.on(RollbackTransactionCommand).resolves({ transactionStatus: 'Rollback Complete' });
    rds.on(ExecuteStatementCommand).resolves(recorded('execute-statement-update'));
  }

  it('begins, runs every statement with the transaction id, commits, and returns the value', async () => {
    mockTransaction();
    const value = await executor().transaction(async (tx) => {
      await tx.query('INSERT INTO payouts (partner_id) VALUES (:p)', { p: 1 });
      await tx.query('UPDATE conversions SET status = :s', { s: 'paid' });
      return 'done';
    });
    expect(value).toBe('done');
    expect(rds.commandCalls(BeginTransactionCommand)[0]?.args[0].input).toEqual(target);
    const statements = rds.commandCalls(ExecuteStatementCommand);
    expect(statements).toHaveLength(2);
    for (const call of statements) expect(call.args[0].input.transactionId).toBe(transactionId);
    expect(rds.commandCalls(CommitTransactionCommand)[0]?.args[0].input).toEqual({
      resourceArn: target.resourceArn,
      secretArn: target.secretArn,
      transactionId,
    });
    expect(rds.commandCalls(RollbackTransactionCommand)).toHaveLength(0);
  });

  it('rolls back when the work throws, rethrows the original error, and never commits', async () => {
    mockTransaction();
    const failure = new Error('attribution failed');
    await expect(
      executor().transaction(async (tx) => {
        await tx.query('INSERT INTO conversions (id) VALUES (:id)', { id: 1 });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(rds.commandCalls(RollbackTransactionCommand)[0]?.args[0].input).toEqual({
      resourceArn: target.resourceArn,
      secretArn: target.secretArn,
      transactionId,
    });
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(0);
  });

  it('still rethrows the original error when the rollback itself fails', async () => {
    mockTransaction();
    rds.on(RollbackTransactionCommand).rejects(new Error('transaction already aborted'));
    const failure = new Error('statement failed');
    await expect(executor().transaction(() => Promise.reject(failure))).rejects.toBe(failure);
  });

  it('joins a nested transaction: one begin, one commit, same transaction id', async () => {
    mockTransaction();
    await executor().transaction(async (tx) => {
      await tx.query('SELECT 1');
      await tx.transaction(async (inner) => {
        await inner.query('SELECT 2');
        await inner.transaction((innermost) => innermost.query('SELECT 3'));
      });
    });
    expect(rds.commandCalls(BeginTransactionCommand)).toHaveLength(1);
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(1);
    const ids = rds.commandCalls(ExecuteStatementCommand).map((call) => call.args[0].input.transactionId);
    expect(ids).toEqual([transactionId, transactionId, transactionId]);
  });

  it('does not commit when a statement inside fails', async () => {
    mockTransaction();
    rds.on(ExecuteStatementCommand).rejects(new Error('duplicate key value violates unique constraint'));
    await expect(executor().transaction((tx) => tx.query('INSERT INTO x VALUES (1)'))).rejects.toThrow(/duplicate key/);
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(0);
    expect(rds.commandCalls(RollbackTransactionCommand)).toHaveLength(1);
  });
});
