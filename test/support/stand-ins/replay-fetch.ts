/**
 * A `fetch` that answers from recorded provider responses (`events/payments/*.json`) in the order
 * a test scripts them, and records every request it receives. No network.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { FetchFn } from '../../../functions/adapters/payments/provider-http.js';
import { PayoutProviderError } from '../../../functions/ports/payout-provider.js';

export interface Recording {
  _comment?: string;
  request: { method: string; path: string };
  response: { status: number; headers?: Record<string, string>; body: unknown; /** Sent as is instead of JSON. */ rawBody?: string };
}

export type Step =
  | Recording
  /** The response never arrives: the call hangs until the adapter's AbortSignal fires. */
  | { hang: true }
  /** The connection drops immediately (undici's shape: TypeError 'fetch failed'). */
  | { networkError: true }
  /** An immediate timeout rejection, for property tests that must not wait. */
  | { timeoutNow: true };

export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

/** Loads `events/payments/<name>.json`, cloned so a test may edit it. */
export function recording(name: string): Recording {
  const url = new URL(`../../../events/payments/${name}.json`, import.meta.url);
  return structuredClone(JSON.parse(readFileSync(url, 'utf8')) as Recording);
}

export function replayFetch(script: Step[]) {
  const steps = [...script];
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];

  const fetch: FetchFn = async (input, init) => {
    const url = new URL(input);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const method = init.method ?? 'GET';
    requests.push({
      method,
      url: url.toString(),
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: typeof init.body === 'string' ? init.body : '',
    });
    const step = steps.shift();
    if (!step) {
      problems.push(`unexpected ${method} ${url.pathname}`);
      return new Response(JSON.stringify({ error: 'no recording left' }), { status: 599 });
    }
    if ('hang' in step) {
      return new Promise<Response>((_, reject) => {
        const signal = init.signal;
        if (!signal) {
          problems.push(`${method} ${url.pathname} sent without an AbortSignal`);
          reject(new Error('no signal'));
          return;
        }
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    if ('networkError' in step) throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
    if ('timeoutNow' in step) throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    if (step.request.method !== method || step.request.path !== url.pathname) {
      problems.push(`expected ${step.request.method} ${step.request.path}, got ${method} ${url.pathname}`);
    }
    return new Response(step.response.rawBody ?? JSON.stringify(step.response.body), {
      status: step.response.status,
      headers: step.response.headers ?? {},
    });
  };

  return {
    fetch,
    requests,
    /** Every scripted step was consumed, in order, and nothing else was requested. */
    problems: () => [...problems, ...steps.map((step) => `unused step ${'request' in step ? step.request.path : Object.keys(step)[0]}`)],
  };
}

/** The form-encoded body of a Stripe request as a plain object. */
export const formBody = (request: RecordedRequest): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(request.body).entries());

/** The PayoutProviderError a provider call must reject with (fails the test on anything else). */
export async function payoutRejection(promise: Promise<unknown>): Promise<PayoutProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PayoutProviderError);
  return error as PayoutProviderError;
}
