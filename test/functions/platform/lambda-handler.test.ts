/**
 * The exported `handler` of a function module, as Lambda calls it: Powertools attached once per
 * cold start, the composition root given the same logger, metrics and (traced functions) tracer.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { capturePrintedLines } from '../../support/platform/capture-printed-lines.js';
import { lambdaContext } from '../../support/platform/lambda-context.js';
import { NoDatabaseError, platformDepsFromEnv, platformDepsWithoutDatabaseFromEnv } from '../../../functions/platform/composition-root.js';
import { createLambdaTelemetry } from '../../../functions/platform/lambda-telemetry.js';

const context = (awsRequestId: string) => lambdaContext('prod-fn', awsRequestId);

let printed: Record<string, unknown>[] = [];

beforeEach(() => {
  // A fresh module graph: the quick suite runs files one after another in a worker, and another
  // file may have built this process's telemetry (one per cold start) already.
  vi.resetModules();
  printed = [];
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'trackingScript');
  capturePrintedLines((line) => printed.push(JSON.parse(line) as Record<string, unknown>));
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('a function module’s exported handler', () => {
  it('builds Powertools once per cold start and logs every invocation with its request id', async () => {
    const { handler } = await import('../../../functions/handlers/tracking-script.js');
    const event = { rawPath: '/js/track.js', pathParameters: { file: 'track.js' }, headers: {}, requestContext: { http: { method: 'GET' } } } as never;
    expect((await handler(event, context('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'))).statusCode).toBe(200);
    expect((await handler(event, context('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'))).statusCode).toBe(200);
    expect(printed.map((line) => [line.service, line.message, line.function_request_id])).toEqual([
      ['trackingScript', 'invocation done', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'],
      ['trackingScript', 'invocation done', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'],
    ]);
  });
});

describe('traced and untraced wiring', () => {
  it('lazyHandler gives the telemetry a tracer and its handler middleware; lazyUntracedHandler neither', async () => {
    const { lambdaTelemetry } = await import('../../../functions/platform/lambda-telemetry.js');
    const { lazyUntracedHandler } = await import('../../../functions/platform/lazy-untraced-handler.js');
    await lazyUntracedHandler(() => async () => 'ok')({}, context('cccccccc-cccc-4ccc-8ccc-cccccccccccc'));
    expect(lambdaTelemetry().tracer).toBeUndefined();
    expect(lambdaTelemetry().tracerMiddleware).toBeUndefined();

    const { lazyHandler } = await import('../../../functions/platform/lambda-handler.js');
    expect(await lazyHandler(() => async () => 'traced')({}, context('dddddddd-dddd-4ddd-8ddd-dddddddddddd'))).toBe('traced');
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    expect(lambdaTelemetry().tracer).toBeInstanceOf(Tracer);
    // captureLambdaHandler's middleware: opens the handler's subsegment before, closes it after.
    expect(lambdaTelemetry().tracerMiddleware).toEqual(expect.objectContaining({ before: expect.any(Function), after: expect.any(Function) }));
  });
});

describe('platformDepsFromEnv', () => {
  it("gives the code the function's logger and metrics, and wraps the SDK clients in its tracer", () => {
    const telemetry = createLambdaTelemetry({ serviceName: 'beacon', namespace: 'AffiliatePlatform/test', logLevel: 'INFO' });
    const captured: unknown[] = [];
    telemetry.tracer = { captureAWSv3Client: <T>(client: T): T => (captured.push(client), client) };
    const deps = platformDepsFromEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, {}, telemetry);
    expect(captured).toEqual([deps.dynamodb, deps.sqs]);
    expect(deps.dynamodb).toBeInstanceOf(DynamoDBClient);
    expect(deps.sqs).toBeInstanceOf(SQSClient);
    expect(deps.tracer).toBe(telemetry.tracer);

    deps.logger!.warn('link_destination_refused', { short_code: 'abc' });
    expect(printed).toEqual([expect.objectContaining({ level: 'WARN', service: 'beacon', message: 'link_destination_refused', short_code: 'abc' })]);
  });

  it('leaves the clients untraced where the function has no tracer, and refuses SQL where it has no database (the redirect)', async () => {
    const telemetry = createLambdaTelemetry({ serviceName: 'redirect', logLevel: 'INFO' });
    const deps = platformDepsWithoutDatabaseFromEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, {}, telemetry);
    expect(deps.tracer).toBeUndefined();
    expect(deps.dynamodb).toBeInstanceOf(DynamoDBClient);
    expect(deps.metrics).toBeDefined();
    await expect(deps.sql.query('SELECT 1')).rejects.toBeInstanceOf(NoDatabaseError);
  });
});
