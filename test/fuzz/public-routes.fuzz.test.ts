/**
 * Fuzz of every public route: the management API's (functions/handlers/api/routes-index.ts, as
 * listed by GET /v1/openapi.json) and the gateway's own (lib/resources.ts: webhooks, redirect),
 * through the real HTTP gateway of one local platform (PGlite, dynalite, local-aws-sqs, the
 * handlers and the queue consumers, in this process).
 *
 * Invariants for every request: never a 5xx and never a hang (a request timeout fails the test);
 * every 4xx is problem+json whose `status` matches and whose `detail` says something (the
 * redirect's 404 is a page for people instead); a rejected request writes no row in any public
 * table (row count and content checksum, behind a cheap transaction-id check) and sends nothing
 * to any queue.
 *
 * FUZZ_RUNS (runs per route, default 20) and FUZZ_SEED (printed) deepen or replay a run;
 * FUZZ_SHRINK=1 shrinks a failure to a minimal request (slow).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../functions/handlers/api/routes-index.js';
import { routes as gatewayRoutes } from '../../lib/resources.js';
import type { FuzzContext } from '../support/fuzz/fuzz-context.js';
import { createChecker, fuzzRuns, fuzzSeed, printFigures, startFuzzPlatform } from '../support/fuzz/fuzz-platform.js';
import { nonApiGatewayRoutes } from '../support/fuzz/gateway-routes.js';
import { registerManagementApiFuzz } from '../support/fuzz/management-api-fuzz.js';
import { registerWebhooksRedirectFuzz } from '../support/fuzz/webhooks-redirect-fuzz.js';

const startedAt = Date.now();
const ctx = { fuzzed: new Set<string>(), notes: {}, spent: {} } as FuzzContext;

describe('fuzz: every public route', () => {
  beforeAll(async () => {
    const t0 = Date.now();
    ctx.fp = await startFuzzPlatform('fuzz');
    ctx.checker = createChecker(ctx.fp);
    console.log(`[fuzz] platform up in ${Date.now() - t0} ms; FUZZ_RUNS=${fuzzRuns} FUZZ_SEED=${fuzzSeed}`);
  });

  afterAll(async () => {
    if (!ctx.fp) return;
    const { checker, fp } = ctx;
    const dlq = Object.values(fp.platform.pollers).reduce((n, p) => n + p.counters.deadLettered, 0);
    const ms = Object.entries({ ...ctx.spent, ...checker.spent }).map(([k, v]) => `${k}:${Math.round(v)}`).join(',');
    printFigures(
      'public routes',
      {
        db: fp.engine,
        routes: ctx.fuzzed.size,
        rejected_checked: checker.counters.rejected,
        full_table_compares: checker.counters.fullCompares,
        accepted_that_enqueued: checker.counters.acceptedThatEnqueued,
        dead_lettered: dlq,
        ...ctx.notes,
        ms,
      },
      fp.figures,
      startedAt,
    );
    await fp.close();
  });

  registerManagementApiFuzz(ctx);
  registerWebhooksRedirectFuzz(ctx);

  it('every route declared in lib/resources.ts and in the API router was fuzzed (a new route without coverage fails here)', () => {
    const declared = [...gatewayRoutes.map((r) => `${r.method} ${r.path}`), ...allRoutes.map((r) => `${r.method} ${r.path}`)];
    expect(declared.filter((key) => !ctx.fuzzed.has(key))).toEqual([]);
    expect(new Set(gatewayRoutes.map((r) => `${r.method} ${r.path}`))).toEqual(new Set(['ANY /v1/{proxy+}', ...nonApiGatewayRoutes]));
  });
});
