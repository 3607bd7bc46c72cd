/**
 * Which errors the API answers with 503 (the database is away: retry) rather than 500: the shapes
 * node-postgres, Node's sockets and the RDS Data API produce when the database is down, and none
 * of the errors that mean the request or the code is wrong.
 */
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../functions/platform/sql-errors.js';
import { problemResult, toProblem } from '../../functions/platform/http/problem-response.js';
import { ConflictError } from '../../functions/platform/http/errors.js';

function withProps(message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), props);
}

describe('database unavailable -> 503', () => {
  it.each([
    ['connection refused', withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['connection reset', withProps('read ECONNRESET', { code: 'ECONNRESET' })],
    ['connection dropped (node-postgres)', new Error('Connection terminated unexpectedly')],
    ['client unusable after a drop', new Error('Client has encountered a connection error and is not queryable')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['server shutting down (57P01)', withProps('terminating connection due to administrator command', { code: '57P01' })],
    ['server starting (57P03)', withProps('the database system is starting up', { code: '57P03' })],
    ['too many connections (53300)', withProps('sorry, too many clients already', { code: '53300' })],
    ['connection exception class 08', withProps('connection failure', { code: '08006' })],
    ['Data API: cluster resuming', withProps('resuming', { name: 'DatabaseResumingException' })],
    ['Data API: unavailable', withProps('unavailable', { name: 'DatabaseUnavailableException' })],
    ['every address refused (AggregateError)', new AggregateError([withProps('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' })], '')],
    ['wrapped in a cause', new Error('loading the key failed', { cause: withProps('connect ECONNREFUSED', { code: 'ECONNREFUSED' }) })],
  ])('%s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    const { problem, headers } = toProblem(error, '/v1/conversions');
    expect(problem).toEqual({
      type: '/problems/service-unavailable',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The database is temporarily unavailable; retry the request shortly.',
      instance: '/v1/conversions',
    });
    expect(headers['retry-after']).toBe('5');
  });

  it.each([
    ['a unique violation', withProps('duplicate key value violates unique constraint "x"', { code: '23505' })],
    ['a syntax error', withProps('syntax error at or near "SELEC"', { code: '42601' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a string', 'boom'],
    ['null', null],
  ])('%s stays a 500 with a generic detail', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(toProblem(error).problem).toMatchObject({ status: 500, title: 'Internal Server Error' });
  });

  it('a typed HTTP error keeps its status even when it wraps a connection error', () => {
    const error = new ConflictError('taken', { cause: withProps('connect ECONNREFUSED', { code: 'ECONNREFUSED' }) });
    expect(toProblem(error).problem.status).toBe(409);
  });

  it('the 503 answer is problem+json with Retry-After and no internals; the log is one warning line without a stack', () => {
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    const logger = {
      error: (message: string, ...fields: object[]) => void lines.push({ level: 'error', message, fields: Object.assign({}, ...fields) as Record<string, unknown> }),
      warn: (message: string, ...fields: object[]) => void lines.push({ level: 'warn', message, fields: Object.assign({}, ...fields) as Record<string, unknown> }),
    };
    const result = problemResult(withProps('connect ECONNREFUSED 10.0.0.5:5432', { code: 'ECONNREFUSED' }), '/v1/campaigns', logger);
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(result.headers?.['retry-after']).toBe('5');
    expect(result.body).not.toMatch(/ECONNREFUSED|10\.0\.0\.5/);
    expect(lines).toEqual([
      { level: 'warn', message: 'database unavailable', fields: { instance: '/v1/campaigns', error: 'Error: connect ECONNREFUSED 10.0.0.5:5432' } },
    ]);
  });
});
