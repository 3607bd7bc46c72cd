/**
 * `npm start`: the whole platform on one machine, in this process. Reads its settings from the
 * environment, prints one ready line on stdout, and stops gracefully on SIGINT/SIGTERM.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { startLocalPlatform, type LocalPlatform } from '../lib/local/start-local-platform.js';
import { localLogFor } from '../lib/local/local-log.js';

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DATA_DIR: z.string().min(1).default('.local'),
  DATABASE_URL: z.string().min(1).optional(),
  ADMIN_TOKEN: z.string().min(1).optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  /** `false` turns the scheduler off (the jobs stay runnable through the admin API). */
  LOCAL_SCHEDULER: z.enum(['true', 'false']).default('true'),
  /**
   * `pretty` (default on a terminal): the runner's lines as `[local] …`, the functions' JSON lines
   * indented (Powertools' dev mode); `json` (default otherwise): one JSON object per line, as on Lambda.
   */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
});

/** `<DATA_DIR>/admin-token`: the generated operator token, for `npm run demo` and local scripts. */
const ADMIN_TOKEN_FILE = 'admin-token';

/**
 * Writes a generated admin token to `<DATA_DIR>/admin-token` (mode 0600, replaced at every start)
 * so local tools find it without copy-paste. The old file is removed first: `writeFile`'s mode
 * applies only when it creates the file, so an existing, wider file would keep its mode. A token
 * from ADMIN_TOKEN is the user's secret and is not written; a stale file from an earlier start is
 * removed so nobody reads a token this platform does not accept.
 */
async function publishAdminToken(input: { dataDir: string; token: string; generated: boolean }): Promise<void> {
  const file = join(resolve(input.dataDir), ADMIN_TOKEN_FILE);
  await rm(file, { force: true });
  if (input.generated) await writeFile(file, `${input.token}\n`, { mode: 0o600, flag: 'wx' });
}

async function main(): Promise<void> {
  // `NAME= npm start` means unset, as in most tools.
  const parsed = environmentSchema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    console.error(`[local] invalid environment: ${z.prettifyError(parsed.error)}`);
    process.exit(2);
  }
  const env = parsed.data;
  const logFormat = env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const consoleLog = localLogFor(logFormat);
  if (logFormat === 'pretty') {
    // Powertools' dev mode indents each JSON line; it would also silence the metrics, which a
    // local run keeps printing (EMF lines) unless told otherwise.
    process.env.POWERTOOLS_DEV ??= 'true';
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'false';
  }

  // Signals are handled from the first moment: a Ctrl-C during the first start (PGlite's initdb)
  // must not kill the process half-way through writing the data directory.
  const running: { platform?: LocalPlatform } = {};
  let stopRequested: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    consoleLog.info(`${signal}: stopping (finishing requests, draining queues)`);
    running.platform!.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        consoleLog.error('stop failed', error);
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) {
      consoleLog.warn(`${signal} again: exiting without draining`);
      process.exit(1);
    }
    stopRequested = signal;
    if (running.platform) stop(signal);
    else consoleLog.info(`${signal}: stopping once the start completes`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const startedAt = performance.now();
  const platform = await startLocalPlatform({
    port: env.PORT,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    adminToken: env.ADMIN_TOKEN,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    tickerEnabled: env.LOCAL_SCHEDULER === 'true',
    webApp: true,
    log: consoleLog,
  });
  running.platform = platform;
  // A data directory we cannot write a file to still runs the platform: the token is on stdout.
  await publishAdminToken({ dataDir: env.DATA_DIR, token: platform.adminToken, generated: !env.ADMIN_TOKEN }).catch((error: unknown) =>
    consoleLog.warn(`could not write ${join(env.DATA_DIR, ADMIN_TOKEN_FILE)}: ${(error as Error).message}`),
  );
  if (stopRequested) {
    stop(stopRequested);
    return;
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  // The token is printed (and written to DATA_DIR) only when it was generated: a token from the environment is the user's secret.
  const token = env.ADMIN_TOKEN ? 'admin token from ADMIN_TOKEN' : `admin token: ${platform.adminToken}`;
  const app = platform.appUrl ? `; web app ${platform.appUrl}` : '';
  console.log(`affiliate platform ready on ${platform.url} (${token}) in ${seconds} s${app}`);
}

main().catch((error: unknown) => {
  localLogFor(process.env.LOG_FORMAT === 'json' || (!process.env.LOG_FORMAT && !process.stdout.isTTY) ? 'json' : 'pretty').error('failed to start', error);
  process.exit(1);
});
