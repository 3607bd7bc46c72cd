// Over 300 lines: the fuzz suites' one platform (stand-ins, signed provider deliveries, the invariants checked after every case); split, the invariants would leave the world they check.
/**
 * The fuzz suites' harness: the whole local platform in-process behind its real HTTP gateway,
 * a raw HTTP client (bytes go out as bytes, a hang is a failure), a snapshot of every public
 * table (row count and a content checksum) and a counter of every SQS send, and the invariants
 * every answer is held to.
 */
import { request as httpRequest, Agent } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { silentLog } from '../../../lib/local/local-log.js';
import { startLocalPlatform, type LocalPlatform } from '../../../lib/local/start-local-platform.js';
import { createTestDatabase } from '../database/test-database.js';
import { describeBody } from './hostile-values.js';
import { reportFigures } from '../report-figures.js';

/** Runs per route (default 20); `FUZZ_RUNS=500` for a long run. */
export const fuzzRuns = Number(process.env.FUZZ_RUNS ?? 20);
/** Replays a failure: the seed is printed by every suite. */
export const fuzzSeed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
/** Per-test timeout, growing with FUZZ_RUNS so a long run is not cut short. */
export const testTimeoutMs = Math.max(120_000, Number(process.env.FUZZ_RUNS ?? 20) * 3_000);
/** A request that takes longer than this is a hang. */
export const requestTimeoutMs = Number(process.env.FUZZ_TIMEOUT_MS ?? 15_000);

export interface FuzzRequest {
  method: string;
  /** Path and query exactly as on the request line. */
  path: string;
  headers?: Record<string, string | undefined>;
  body?: Buffer;
}

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Snapshot {
  /** The next transaction id: unchanged means no transaction wrote anything (or even tried to). */
  mark: string;
  /** `table -> "count:checksum"`. */
  tables: Record<string, string>;
}

export interface FuzzFigures {
  requests: number;
  byClass: Record<string, number>;
  byStatus: Record<number, number>;
}

export interface FuzzPlatform {
  platform: LocalPlatform;
  /** Which database stands in for Aurora. */
  engine: 'pglite' | 'postgres';
  /** SendMessage/SendMessageBatch calls to the platform's queues (not the dead-letter queues). */
  sends(): number;
  send(request: FuzzRequest): Promise<FuzzResponse>;
  /** Cheap: the database's next transaction id (a write, even rolled back, moves it). */
  writeMark(): Promise<string>;
  /** Every table's row count and content checksum, with the mark read first. */
  snapshot(): Promise<Snapshot>;
  figures: FuzzFigures;
  /**
   * Runs the queue consumers until every queue is empty, then pauses them again. They are paused
   * the rest of the time, so no consumer write can land between two snapshots.
   */
  consume(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the local platform (dynalite, local-aws-sqs, and PGlite, or a fresh database on the
 * PostgreSQL server of FUZZ_DATABASE_URL / TEST_DATABASE_URL, dropped at close) on a free port.
 */
export async function startFuzzPlatform(prefix: string): Promise<FuzzPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const serverUrl = process.env.FUZZ_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const database = serverUrl ? await createTestDatabase({ engine: 'postgres', serverUrl, migrate: false }) : undefined;
  const platform = await startLocalPlatform({
    port: 0,
    dataDir,
    tickerEnabled: false,
    log: silentLog,
    retryDelaySeconds: 0,
    ...(database?.url ? { databaseUrl: database.url } : {}),
  });
  const port = platform.port;
  const pollers = Object.values(platform.pollers);
  await Promise.all(pollers.map((p) => p.stop()));
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });

  const queueUrls = new Set(Object.values(platform.deps.config.queueUrls).filter((u): u is string => typeof u === 'string' && u !== ''));
  let sendCount = 0;
  // One SQS client serves handlers and pollers: count what is sent to the work queues.
  platform.deps.sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { QueueUrl?: string };
      if (/^SendMessage(Batch)?Command$/.test(String(context.commandName)) && input.QueueUrl && queueUrls.has(input.QueueUrl)) sendCount += 1;
      return next(args);
    },
    { step: 'initialize', name: 'fuzzSendCounter' },
  );

  const tables = (
    await platform.deps.sql.query<{ t: string }>(
      `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    )
  ).rows.map((r) => r.t);
  // An order-independent checksum: the sum of every row's hash. `last_used_at` is the key's read
  // stamp (written at most once a minute by any authenticated call): not a row written.
  const rowText = (t: string) => (t === 'api_keys' ? `(to_jsonb(x) - 'last_used_at')::text` : 'x::text');
  const snapshotSql = `SELECT ${tables
    .map((t) => `(SELECT count(*)::text || ':' || coalesce(sum(hashtext(${rowText(t)})::bigint), 0)::text FROM "${t}" x) AS "${t}"`)
    .join(', ')}`;

  const figures: FuzzFigures = { requests: 0, byClass: {}, byStatus: {} };

  // Reading the snapshot does not assign a transaction id, so an unchanged xmax proves no write.
  async function writeMark(): Promise<string> {
    const { rows } = await platform.deps.sql.query<{ xmax: string }>(`SELECT txid_snapshot_xmax(txid_current_snapshot())::text AS xmax`);
    return rows[0]!.xmax;
  }

  function send(req: FuzzRequest): Promise<FuzzResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers ?? {})) if (value !== undefined) headers[name] = value;
      if (req.body) headers['content-length'] = String(req.body.length);
      let outgoing;
      try {
        outgoing = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent });
      } catch (error) {
        reject(new Error(`client could not build ${req.method} ${req.path.slice(0, 200)}: ${String(error)}`));
        return;
      }
      const timer = setTimeout(() => {
        outgoing.destroy(new Error(`HANG: no answer in ${requestTimeoutMs} ms to ${req.method} ${req.path.slice(0, 200)} body ${describeBody(req.body)}`));
      }, requestTimeoutMs);
      outgoing.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          figures.requests += 1;
          figures.byStatus[status] = (figures.byStatus[status] ?? 0) + 1;
          const klass = `${Math.floor(status / 100)}xx`;
          figures.byClass[klass] = (figures.byClass[klass] ?? 0) + 1;
          resolve({ status, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      outgoing.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      outgoing.end(req.body);
    });
  }

  return {
    platform,
    engine: database ? 'postgres' : 'pglite',
    sends: () => sendCount,
    send,
    writeMark,
    async snapshot() {
      const mark = await writeMark();
      const { rows } = await platform.deps.sql.query<Record<string, string>>(snapshotSql);
      return { mark, tables: { ...rows[0]! } };
    },
    figures,
    async consume() {
      for (const p of pollers) p.start();
      await platform.drain(120_000);
      await Promise.all(pollers.map((p) => p.stop()));
    },
    async close() {
      agent.destroy();
      // The platform's stop drains the queues: the consumers must be running for that.
      for (const p of pollers) p.start();
      await platform.stop();
      await database?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The tables whose count or content differ. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  return Object.keys(after.tables).filter((t) => before.tables[t] !== after.tables[t]);
}

/** What a failure message says about the request, short enough to read. */
export function describeRequest(req: FuzzRequest): string {
  const headers = Object.entries(req.headers ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${String(v).slice(0, 80)}`)
    .join('; ');
  return `${req.method} ${req.path.slice(0, 300)}${req.path.length > 300 ? '…' : ''} [${headers}] body ${describeBody(req.body)}`;
}

/**
 * A 4xx must be problem+json whose `status` is the HTTP status, with a short human `detail` that
 * leaks no stack. (The shopper-facing redirect answers HTML; its suite checks that instead.)
 */
export function expectProblemJson(req: FuzzRequest, res: FuzzResponse): void {
  const where = `${describeRequest(req)} -> ${res.status} ${res.body.subarray(0, 300).toString('utf8')}`;
  expect(String(res.headers['content-type']), where).toMatch(/^application\/problem\+json/);
  let problem: { status?: unknown; title?: unknown; detail?: unknown; type?: unknown };
  try {
    problem = JSON.parse(res.body.toString('utf8')) as typeof problem;
  } catch {
    throw new Error(`4xx body is not JSON: ${where}`);
  }
  expect(problem.status, where).toBe(res.status);
  expect(typeof problem.title, where).toBe('string');
  expect(typeof problem.detail, where).toBe('string');
  const detail = problem.detail as string;
  expect(detail.length, where).toBeGreaterThan(3);
  // The gateway's 404 echoes the path, which may itself be long: bounded, not short.
  expect(detail.length, where).toBeLessThan(10_000);
  expect(detail, where).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

/** Prints the suite's one figures line. */
export function printFigures(label: string, extra: Record<string, unknown>, figures: FuzzFigures, startedAt: number): void {
  const statuses = Object.entries(figures.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
  const parts = Object.entries(extra).map(([k, v]) => `${k}=${String(v)}`);
  reportFigures(
    `[figures] fuzz ${label}: ${parts.join(' ')} requests=${figures.requests} 2xx=${figures.byClass['2xx'] ?? 0} 3xx=${figures.byClass['3xx'] ?? 0} 4xx=${figures.byClass['4xx'] ?? 0} 5xx=${figures.byClass['5xx'] ?? 0} (${statuses}) runs=${fuzzRuns} seed=${fuzzSeed} wall=${((Date.now() - startedAt) / 1000).toFixed(1)}s`,
  );
}

/**
 * Holds one request after another to the invariants. A rejected request (4xx) must leave every
 * table and every queue as they were; an accepted one moves the baseline (after its queued work
 * is consumed, so the consumers' writes are not blamed on the next rejected request).
 */
export interface Checker {
  /** Sends `req`, asserts no 5xx/hang, checks a rejection wrote and sent nothing; returns the response. */
  check(req: FuzzRequest, options?: { rejectionFormat?: 'problem' | 'html' }): Promise<FuzzResponse>;
  /** Lets the consumers process what accepted requests queued, then re-reads the baseline. */
  settle(): Promise<void>;
  counters: { rejected: number; fullCompares: number; acceptedThatEnqueued: number };
  /** Where the time went (ms): sending, reading the write mark, full snapshots, consuming queues. */
  spent: { send: number; mark: number; snapshot: number; consume: number };
}

/** A `timed(what, work)` that adds each piece of work's wall time (ms) to `spent[what]`. */
export function stopwatch<K extends string>(spent: Record<K, number>) {
  return async function timed<T>(what: K, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      spent[what] += performance.now() - t0;
    }
  };
}

export function createChecker(fp: FuzzPlatform): Checker {
  let baseline: Snapshot = { mark: '', tables: {} };
  let baselineSends = fp.sends();
  let consumedSends = fp.sends();
  const counters = { rejected: 0, fullCompares: 0, acceptedThatEnqueued: 0 };
  const spent = { send: 0, mark: 0, snapshot: 0, consume: 0 };
  const timed = stopwatch(spent);
  const writeMark = () => timed('mark', () => fp.writeMark());
  const snapshot = () => timed('snapshot', () => fp.snapshot());

  async function refresh(): Promise<void> {
    if ((await writeMark()) !== baseline.mark) baseline = await snapshot();
    baselineSends = fp.sends();
  }

  return {
    counters,
    spent,
    async settle() {
      if (fp.sends() !== consumedSends) await timed('consume', () => fp.consume());
      consumedSends = fp.sends();
      await refresh();
    },
    async check(req, options = {}) {
      let res: FuzzResponse;
      try {
        res = await timed('send', () => fp.send(req));
      } catch (error) {
        throw new Error(`${String(error)} (${describeRequest(req)})`);
      }
      const where = `${describeRequest(req)} -> ${res.status} ${res.body.subarray(0, 400).toString('utf8')}`;
      expect(res.status, where).toBeLessThan(500);
      expect(res.status, where).toBeGreaterThanOrEqual(200);
      if (res.status >= 400) {
        counters.rejected += 1;
        if (options.rejectionFormat === 'html') expect(String(res.headers['content-type']), where).toMatch(/^text\/html/);
        else expectProblemJson(req, res);
        expect(fp.sends(), `rejected request enqueued a message: ${where}`).toBe(baselineSends);
        // Fast path: no transaction id was handed out, so nothing was written. Otherwise compare every table.
        if ((await writeMark()) !== baseline.mark) {
          const after = await snapshot();
          expect(diffSnapshots(baseline, after), `rejected request wrote rows: ${where}`).toEqual([]);
          baseline = after;
          counters.fullCompares += 1;
        }
        return res;
      }
      if (fp.sends() !== baselineSends) counters.acceptedThatEnqueued += 1;
      await refresh();
      return res;
    },
  };
}
