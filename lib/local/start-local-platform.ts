// 323 lines: the local platform's one wiring (stand-ins, functions, gateway, pollers, ticker) and its ordered shutdown, which read as one sequence.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { payoutProvidersFromEnv } from '../../functions/adapters/payments/payout-providers-from-env.js';
import { createEnvelopeCipher } from '../../functions/adapters/crypto/create-envelope-cipher.js';
import { createLocalKeyFileDataKeyProvider } from '../../functions/adapters/crypto/create-local-key-file-data-key-provider.js';
import { createOutboxMailer } from '../../functions/adapters/mail/outbox-mailer.js';
import { platformConfigFromEnv, type PlatformDeps } from '../../functions/platform/composition-root.js';
import { createLambdaTelemetry, type LambdaTelemetry } from '../../functions/platform/lambda-telemetry.js';
import {
  envVars,
  functions,
  queues,
  routes as declaredRoutes,
  schedules as declaredSchedules,
  tables,
  visibilityTimeoutSeconds,
  type FunctionDeclaration,
  type FunctionName,
  type QueueDeclaration,
  type QueueName,
  type RouteDeclaration,
  type ScheduleDeclaration,
} from '../resources.js';
import { ensureQueues, type LocalQueue } from './ensure-queues.js';
import { ensureTables } from './ensure-tables.js';
import { createHttpGateway, FunctionUnavailableError, type HttpGateway } from './http-gateway.js';
import { functionDeps } from './function-deps.js';
import { lambdaContext, loadFunctions, type LoadedFunction, type LocalCreateHandler } from './load-functions.js';
import { consoleLog, type LocalLog } from './local-log.js';
import { openDatabase, type LocalDatabase } from './open-database.js';
import { createQueuePoller, type QueuePoller } from './queue-poller.js';
import { createSchedulerTicker, type SchedulerTicker } from './scheduler-ticker.js';
import { startStandIns, type StandIns } from './stand-ins.js';
import { serveWebApp, type WebAppServer } from './serve-web-app.js';
import { buildWebApp } from '../../web/build-web-app.js';

export interface StartLocalPlatformOptions {
  /** Gateway port; 0 picks a free one. Default 3000. */
  port?: number;
  /** Where PGlite (`pglite/`) and dynalite (`dynamodb/`) keep their files. */
  dataDir: string;
  /** A PostgreSQL to use instead of PGlite. */
  databaseUrl?: string;
  /** Operator bearer token; generated when absent. */
  adminToken?: string;
  /** Base of short links; default `http://127.0.0.1:<port>`. */
  publicBaseUrl?: string;
  /** Run `schedules` on their local periods. Default true. */
  tickerEnabled?: boolean;
  /** Replace declared schedules (tests: a short period). */
  schedules?: readonly ScheduleDeclaration[];
  /** Replace declared routes. */
  routes?: readonly RouteDeclaration[];
  /** Fake `createHandler(deps)`s used instead of importing the function's entry (tests). */
  functionOverrides?: Partial<Record<FunctionName, LocalCreateHandler>>;
  /** Delay before a failed message is retried. Default 1 s. */
  retryDelaySeconds?: number;
  /** Longest wait for the queues to empty at stop. Default 30 s. */
  drainTimeoutMs?: number;
  log?: LocalLog;
  /**
   * Each function's Powertools logger and metrics (JSON lines with the request id, EMF metric
   * lines, on stdout as on Lambda). Default: one pair per function, service name = the function,
   * level from POWERTOOLS_LOG_LEVEL (the test suite sets SILENT and POWERTOOLS_METRICS_DISABLED).
   * Return undefined for a function to give it none.
   */
  functionTelemetry?: (name: FunctionName) => LambdaTelemetry | undefined;
  /** Build the web app into `<dataDir>/web` at start and serve it at `/app/` (npm start, browser tests). */
  webApp?: boolean;
}

export interface LocalPlatform {
  url: string;
  /** The web app's address (`<url>/app/`) when `webApp` was asked for. */
  appUrl?: string;
  port: number;
  adminToken: string;
  /**
   * The origin-verify value CloudFront would add on AWS, generated per start and held in memory
   * only. The gateway plays API Gateway reached directly: a request without this value is believed
   * for nothing it says about its viewer (CloudFront-Viewer-Address/-Country), exactly as on AWS.
   * Tests and benchmarks that play CloudFront (distinct visitors from one machine) send it as
   * `x-origin-verify`.
   */
  originVerifySecret: string;
  deps: PlatformDeps;
  queues: Record<QueueName, LocalQueue>;
  pollers: Record<QueueName, QueuePoller>;
  ticker: SchedulerTicker;
  functions: Record<FunctionName, LoadedFunction>;
  /** Invokes a function as Lambda would (no gateway); unavailable functions throw. */
  invoke(name: FunctionName, event: unknown): Promise<unknown>;
  /** Resolves when every queue is empty and no batch is in flight. */
  drain(timeoutMs?: number): Promise<void>;
  /** Graceful stop: gateway, ticker, queues drained, stand-ins and database closed. */
  stop(): Promise<void>;
}

const region = 'us-east-1';

/**
 * Sets the SDK's standard variables so every client built afterwards, the handlers' included,
 * talks to the stand-ins, and never with real credentials.
 */
function pointSdkAtStandIns(standIns: StandIns): void {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = standIns.dynamodbEndpoint;
  process.env.AWS_ENDPOINT_URL_SQS = standIns.sqsEndpoint;
  process.env.AWS_REGION = region;
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

/**
 * Starts the whole platform in this process: gateway, stand-ins, database, handlers, queue
 * pollers and scheduler. Used by `npm start` (bin/local.ts) and by integration tests (port 0,
 * temporary data directory).
 */
export async function startLocalPlatform(options: StartLocalPlatformOptions): Promise<LocalPlatform> {
  const log = options.log ?? consoleLog;
  const dataDir = resolve(options.dataDir);
  const routeList = options.routes ?? declaredRoutes;
  const scheduleList = options.schedules ?? declaredSchedules;
  // Silences the SDK's "Node 20 support ends" notice unless the user decided otherwise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  let ready = false;
  let stopping = false;
  let loaded: Record<FunctionName, LoadedFunction> | undefined;
  let pollers: Record<QueueName, QueuePoller> | undefined;
  let ticker: SchedulerTicker | undefined;
  let webApp: WebAppServer | undefined;

  async function invoke(name: FunctionName, event: unknown): Promise<unknown> {
    const fn = loaded?.[name];
    if (!fn || !fn.available) throw new FunctionUnavailableError(name);
    const declaration: FunctionDeclaration = functions[name]!;
    const startedAt = performance.now();
    try {
      return await fn.handler(event as never, lambdaContext(name, declaration));
    } finally {
      // Lambda would have killed this invocation; locally it is only reported, not cut short.
      const elapsedMs = performance.now() - startedAt;
      if (elapsedMs > declaration.timeoutSeconds * 1000) {
        log.warn(`${name} ran ${Math.round(elapsedMs)} ms, over its ${declaration.timeoutSeconds} s Lambda timeout`);
      }
    }
  }

  // The gateway listens first: the port is then known for PUBLIC_BASE_URL, and /healthz answers 503 while the rest starts.
  const gateway: HttpGateway = createHttpGateway({
    routes: routeList,
    invoke: (name, event: APIGatewayProxyEventV2) => invoke(name, event),
    log,
    webApp: () => (ready ? webApp : undefined),
    health: () => ({
      ready: ready && !stopping,
      details: {
        functions: Object.fromEntries(Object.values(loaded ?? {}).map((fn) => [fn.name, fn.available ? 'ok' : 'not available yet'])),
        queues: Object.fromEntries(Object.values<QueuePoller>(pollers ?? {}).map((poller) => [poller.name, { ...poller.counters }])),
        schedules: ticker ? structuredClone(ticker.stats) : {},
      },
    }),
  });
  const port = await gateway.listen(options.port ?? 3000);
  const url = `http://127.0.0.1:${port}`;

  let standIns: StandIns | undefined;
  let database: LocalDatabase | undefined;
  let dynamodb: DynamoDBClient | undefined;
  let sqs: SQSClient | undefined;

  async function closeResources(): Promise<void> {
    dynamodb?.destroy();
    sqs?.destroy();
    await standIns?.close();
    await database?.sql.close();
  }

  try {
    standIns = await startStandIns({ dataDir, region });
    pointSdkAtStandIns(standIns);
    dynamodb = new DynamoDBClient({});
    sqs = new SQSClient({});
    const adminToken = options.adminToken ?? randomBytes(24).toString('base64url');
    const originVerifySecret = randomBytes(32).toString('base64url');
    const originVerifyCreatedAt = new Date();
    const client = { dynamodb, sqs };

    // The database's first start (initdb in WebAssembly) is the slow part: everything else overlaps with it.
    const since = (start: number) => `${((performance.now() - start) / 1000).toFixed(1)} s`;
    const phaseStart = performance.now();
    const databaseOpened = openDatabase({ dataDir, databaseUrl: options.databaseUrl, log }).then((opened) => {
      log.info(`database open and migrated in ${since(phaseStart)}`);
      database = opened;
      return opened;
    });
    const queueList = Object.entries(queues) as [QueueName, QueueDeclaration][];
    const resourcesCreated = (async () => {
      await ensureTables({ dynamodb: client.dynamodb, tables: Object.values(tables), log });
      const created = await ensureQueues({ sqs: client.sqs, queues, visibilityTimeoutSeconds });
      process.env[envVars.publicBaseUrl] = options.publicBaseUrl ?? url;
      process.env[envVars.adminToken] = adminToken;
      // Development receivers run on this machine (http://127.0.0.1:…); the CDK app never sets this.
      process.env[envVars.allowLoopbackWebhooks] ??= 'true';
      // The web app's operator console signs in with a link mailed to this address (the outbox).
      process.env[envVars.operatorEmails] ??= 'operator@localhost';
      for (const table of Object.values(tables)) process.env[table.envVar] = table.name;
      for (const [name, queue] of queueList) process.env[queue.envVar] = created[name]!.url;
      return created;
    })();
    let deps: PlatformDeps | undefined;
    const [localQueues, functionsLoaded] = await Promise.all([
      resourcesCreated,
      loadFunctions({
        functions,
        overrides: options.functionOverrides,
        // Each function runs its SQL as its own role, as with its own secret on AWS.
        depsFor: (name, base) => functionDeps(name, functions[name], base),
        telemetryFor: options.functionTelemetry ?? ((name) => createLambdaTelemetry({ serviceName: name })),
        log,
        deps: async () => {
          log.info(`function modules imported in ${since(phaseStart)}`);
          const [opened] = await Promise.all([databaseOpened, resourcesCreated]);
          deps = {
            config: platformConfigFromEnv(process.env),
            sql: opened.sql,
            dynamodb: client.dynamodb,
            sqs: client.sqs,
            now: () => new Date(),
            // Wire always; Stripe and PayPal when their credentials are in the environment.
            payoutProviders: payoutProvidersFromEnv(process.env),
            originVerifySecrets: { read: async () => ({ current: { value: originVerifySecret, createdAt: originVerifyCreatedAt } }) },
            // KMS's stand-in: data keys wrapped by $DATA_DIR/payment-data.key (0600, made on first use).
            paymentDataCipher: createEnvelopeCipher(createLocalKeyFileDataKeyProvider({ dataDir })),
            // SES's stand-in: every message an .eml file in $DATA_DIR/outbox/, its link in this log.
            mailer: createOutboxMailer({ dataDir, from: process.env[envVars.mailFrom] ?? 'no-reply@localhost', log: (line) => log.info(line) }),
          };
          return deps;
        },
      }),
      databaseOpened,
      options.webApp
        ? (async () => {
            const built = await buildWebApp({ outDir: resolve(dataDir, 'web'), minify: true });
            webApp = await serveWebApp({ dir: built.outDir });
            log.info(`web app built (${(built.scriptGzipBytes / 1024).toFixed(1)} KB script gzipped)`);
          })()
        : undefined,
    ]);
    loaded = functionsLoaded;
    // Printed so a developer can point the AWS CLI or a GUI at the stand-ins (--endpoint-url).
    log.info(`dynamodb ${standIns.dynamodbEndpoint} · sqs ${standIns.sqsEndpoint} · database ${database?.description ?? '?'}`);
    if (!deps) throw new Error('platform dependencies were not built');
    const platformDeps: PlatformDeps = deps;

    const startedPollers = {} as Record<QueueName, QueuePoller>;
    for (const [name, queue] of queueList) {
      const local: LocalQueue = localQueues[name]!;
      startedPollers[name] = createQueuePoller({
        name,
        queueUrl: local.url,
        queueArn: local.arn,
        deadLetterUrl: local.deadLetterUrl,
        sqs,
        region,
        batchSize: queue.batchSize,
        maxBatchingWindowSeconds: queue.maxBatchingWindowSeconds,
        maxReceiveCount: queue.maxReceiveCount,
        retryDelaySeconds: options.retryDelaySeconds,
        consumer: async (event: SQSEvent) => (await invoke(queue.consumer, event)) as SQSBatchResponse | undefined,
        log,
      });
    }
    pollers = startedPollers;
    const unavailableFunctions = new Set(
      Object.values(loaded)
        .filter((fn) => !fn.available)
        .map((fn) => fn.name),
    );
    for (const [name, poller] of Object.entries(pollers) as [QueueName, QueuePoller][]) {
      // A queue whose consumer is not written yet keeps its messages rather than dead-lettering them.
      if (!unavailableFunctions.has(queues[name].consumer)) poller.start();
    }

    ticker = createSchedulerTicker({
      // A job whose function is not written yet is not ticked: it would only fail every period.
      schedules: scheduleList.filter((schedule) => !unavailableFunctions.has(schedule.function)),
      invoke: (schedule, event) => invoke((schedule as ScheduleDeclaration).function, event),
      log,
    });
    if (options.tickerEnabled ?? true) ticker.start();

    const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
    const activePollers = pollers;
    const activeTicker = ticker;
    const polled = Object.entries(activePollers)
      .filter(([name]) => !unavailableFunctions.has(queues[name as QueueName].consumer))
      .map(([, poller]) => poller);
    const receivedSoFar = () => polled.reduce((sum, poller) => sum + poller.counters.received, 0);
    /**
     * Waits until every polled queue is empty. Consumers feed other queues (conversions ->
     * notifications), so rounds repeat until one passes without any message received.
     */
    async function drain(timeoutMs = drainTimeoutMs): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const before = receivedSoFar();
        await Promise.all(polled.map((poller) => poller.drain(Math.max(0, deadline - Date.now()))));
        if (receivedSoFar() === before || Date.now() >= deadline) return;
      }
    }

    let stopped: Promise<void> | undefined;
    ready = true;
    return {
      url,
      ...(webApp ? { appUrl: `${url}/app/` } : {}),
      port,
      adminToken,
      originVerifySecret,
      deps: platformDeps,
      queues: localQueues,
      pollers: activePollers,
      ticker: activeTicker,
      functions: loaded,
      invoke,
      drain,
      stop() {
        stopped ??= (async () => {
          stopping = true;
          await gateway.close();
          await activeTicker.stop();
          await drain();
          await Promise.all(Object.values<QueuePoller>(activePollers).map((poller) => poller.stop()));
          await closeResources();
          log.info('stopped');
        })();
        return stopped;
      },
    };
  } catch (error) {
    stopping = true;
    await gateway.close().catch(() => undefined);
    await closeResources().catch(() => undefined);
    throw error;
  }
}
