/**
 * What `lazyHandler` gives every Lambda, checked on Powertools' own output (the JSON and EMF lines
 * it prints on stdout, which Lambda ships to CloudWatch): the request id on the code's lines, the
 * business metrics as EMF in the namespace, the uncaught error as a JSON line.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { capturePrintedLines } from '../../support/platform/capture-printed-lines.js';
import { lambdaContext } from '../../support/platform/lambda-context.js';
import { powertoolsBusinessMetrics } from '../../../functions/adapters/aws/powertools-business-metrics.js';
import { powertoolsLogger } from '../../../functions/adapters/aws/powertools-logger.js';
import { createLambdaTelemetry } from '../../../functions/platform/lambda-telemetry.js';
import { WholeBatchFailedError } from '../../../functions/platform/whole-batch-failure.js';
import { withTelemetry } from '../../../functions/platform/with-telemetry.js';

const context = (awsRequestId: string) => lambdaContext('prod-redirect', awsRequestId);

let printed: Record<string, unknown>[] = [];

beforeEach(() => {
  printed = [];
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  capturePrintedLines((line) => printed.push(JSON.parse(line) as Record<string, unknown>));
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function telemetry() {
  return createLambdaTelemetry({ serviceName: 'redirect', namespace: 'AffiliatePlatform/test', logLevel: 'INFO' });
}

describe('withTelemetry', () => {
  it("puts each invocation's own request id on the code's lines", async () => {
    const t = telemetry();
    const logger = powertoolsLogger(t.logger);
    const handler = withTelemetry(async (event: { click: string }) => {
      logger.warn('click_send_failed', { click_id: event.click, correlation_id: event.click });
      return 'ok';
    }, t);
    await handler({ click: 'c-1' }, context('11111111-1111-4111-8111-111111111111'));
    await handler({ click: 'c-2' }, context('22222222-2222-4222-8222-222222222222'));

    const lines = printed.filter((line) => line.message === 'click_send_failed');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'WARN', service: 'redirect', function_name: 'prod-redirect', function_request_id: '11111111-1111-4111-8111-111111111111', correlation_id: 'c-1' });
    expect(lines[1]).toMatchObject({ function_request_id: '22222222-2222-4222-8222-222222222222', correlation_id: 'c-2' });
  });

  it('prints business metrics as EMF: dimensioned values at once, the others at the end of the invocation', async () => {
    const t = telemetry();
    const metrics = powertoolsBusinessMetrics(t.metrics);
    const handler = withTelemetry(async () => {
      metrics.add('ClicksCounted', 1);
      metrics.add('ClicksCounted', 1);
      metrics.add('ClicksFiltered', 1, { reason: 'bot' });
      metrics.add('CommissionAmount', 1250, { currency: 'JPY' });
    }, t);
    await handler({}, context('33333333-3333-4333-8333-333333333333'));

    const emf = printed.filter((line) => typeof line._aws === 'object');
    const byName = (name: string) => emf.filter((line) => name in line);
    expect(byName('ClicksFiltered')).toEqual([
      expect.objectContaining({
        ClicksFiltered: 1,
        reason: 'bot',
        service: 'redirect',
        _aws: expect.objectContaining({ CloudWatchMetrics: [{ Namespace: 'AffiliatePlatform/test', Dimensions: [['service', 'reason']], Metrics: [{ Name: 'ClicksFiltered', Unit: 'Count' }] }] }) as unknown,
      }),
    ]);
    // Amounts in minor units, one currency per line: ¥1250 is 1250.
    expect(byName('CommissionAmount')).toEqual([expect.objectContaining({ CommissionAmount: 1250, currency: 'JPY' })]);
    // Two adds in one invocation, one EMF entry with both values (CloudWatch sums them).
    expect(byName('ClicksCounted')).toEqual([expect.objectContaining({ ClicksCounted: [1, 1], service: 'redirect' })]);
    // The dimensioned lines went out before the invocation's set was flushed.
    expect(emf.indexOf(byName('ClicksCounted')[0]!)).toBe(emf.length - 1);
  });

  it('prints nothing about metrics when an invocation counted none', async () => {
    const t = telemetry();
    await withTelemetry(async () => 'ok', t)({}, context('44444444-4444-4444-8444-444444444444'));
    expect(printed).toEqual([]);
  });

  it('logs an uncaught error as one JSON line with the request id and the stack, and rethrows it', async () => {
    const t = telemetry();
    const handler = withTelemetry(async () => {
      throw new TypeError('boom');
    }, t);
    await expect(handler({}, context('55555555-5555-4555-8555-555555555555'))).rejects.toThrow('boom');
    expect(printed).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'invocation failed',
        function_request_id: '55555555-5555-4555-8555-555555555555',
        error: expect.objectContaining({ name: 'TypeError', message: 'boom', stack: expect.stringContaining('TypeError: boom') as unknown }) as unknown,
      }),
    ]);
  });

  it('writes the per-invocation line only at DEBUG', async () => {
    const t = createLambdaTelemetry({ serviceName: 'redirect', namespace: 'AffiliatePlatform/test', logLevel: 'DEBUG' });
    await withTelemetry(async () => 'ok', t)({}, context('66666666-6666-4666-8666-666666666666'));
    expect(printed).toEqual([expect.objectContaining({ level: 'DEBUG', message: 'invocation done', function_request_id: '66666666-6666-4666-8666-666666666666', duration_ms: expect.any(Number) as unknown })]);
  });
});

describe('withTelemetry on an SQS consumer', () => {
  const batch = (...ids: string[]) => ({ Records: ids.map((messageId) => ({ messageId, body: '{}' })) });

  it('turns a batch in which every record failed into a failed invocation (the Errors alarm counts it)', async () => {
    const consumer = withTelemetry(async (event: ReturnType<typeof batch>) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }), telemetry());
    const failed = await consumer(batch('m-1', 'm-2'), context('77777777-7777-4777-8777-777777777777')).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(WholeBatchFailedError);
    expect(failed).toMatchObject({ message: 'All 2 records of the batch failed', batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
  });

  it('keeps the partial response when some records succeeded, and an empty batch or a clean one as they are', async () => {
    const consumer = withTelemetry(async () => ({ batchItemFailures: [{ itemIdentifier: 'm-2' }] }), telemetry());
    expect(await consumer(batch('m-1', 'm-2'), context('88888888-8888-4888-8888-888888888888'))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    const clean = withTelemetry(async () => ({ batchItemFailures: [] }), telemetry());
    expect(await clean(batch('m-1'), context('99999999-9999-4999-8999-999999999999'))).toEqual({ batchItemFailures: [] });
    expect(await clean(batch(), context('99999999-9999-4999-8999-999999999990'))).toEqual({ batchItemFailures: [] });
  });
});

describe('powertoolsLogger', () => {
  it('merges the fields into the line and prints an Error as name, message and stack', () => {
    const t = telemetry();
    powertoolsLogger(t.logger).error('unhandled error', { instance: '/v1/campaigns' }, new RangeError('out of range'));
    expect(printed).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'unhandled error',
        instance: '/v1/campaigns',
        error: expect.objectContaining({ name: 'RangeError', message: 'out of range' }) as unknown,
      }),
    ]);
  });
});
