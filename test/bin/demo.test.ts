/**
 * `npm run demo`'s program (bin/demo.ts) as a user runs it: a child process reading its settings
 * from the environment and the admin-token file. The error paths are quick and always run; the
 * full runs against a platform (about 75 s: a fresh PGlite and the whole scenario twice on the same
 * data; test/integration/end-to-end.test.ts already asserts one run in-process) run with
 * DEMO_CLI_TEST=1.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../lib/local/local-log.js';
import { startLocalPlatform } from '../../lib/local/start-local-platform.js';

const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

function runDemo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ['ADMIN_TOKEN', 'DATA_DIR', 'PORT', 'DEMO_BASE_URL']) if (!(name in env)) delete childEnv[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/demo.ts'], { cwd: repositoryRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveRun) => child.on('exit', (code) => resolveRun({ code, stdout, stderr })));
}

/** A loopback port nobody listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  return port;
}

describe('npm run demo (bin/demo.ts)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'demo-bin-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('without a platform: exits 1 and says to start it (before looking for a token)', async () => {
    const run = await runDemo({ DATA_DIR: join(dataDir, 'missing'), PORT: String(await closedPort()) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/demo failed: nothing answers on http:\/\/127\.0\.0\.1:\d+: start the platform with `npm start`/);
    expect(run.stdout).toBe('');
  }, 30_000);

  it('without a token: exits 1 and names the file and ADMIN_TOKEN', async () => {
    // Something healthy on the port, so the demo gets as far as the token.
    const healthy = createHttpServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((resolveListen) => healthy.listen(0, '127.0.0.1', resolveListen));
    const { port } = healthy.address() as { port: number };
    const run = await runDemo({ DATA_DIR: join(dataDir, 'missing'), PORT: String(port) }).finally(
      () => new Promise<void>((resolveClose) => healthy.close(() => resolveClose())),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`demo failed: no admin token: ${join(dataDir, 'missing', 'admin-token')} does not exist`);
    expect(run.stderr).toContain('ADMIN_TOKEN');
  }, 30_000);

  it.runIf(process.env.DEMO_CLI_TEST === '1')('against a running platform, twice on the same data: prints its own report and exits 0 each time', async () => {
    const platformDir = await mkdtemp(join(tmpdir(), 'demo-bin-platform-'));
    const platform = await startLocalPlatform({ port: 0, dataDir: platformDir, tickerEnabled: false, log: silentLog });
    try {
      // What npm start does for a generated token.
      await writeFile(join(platformDir, 'admin-token'), `${platform.adminToken}\n`, { mode: 0o600 });
      const runs = [];
      for (let i = 0; i < 2; i++) {
        const run = await runDemo({ DATA_DIR: platformDir, DEMO_BASE_URL: platform.url });
        console.log(`[figures] npm run demo (CLI, in-process platform, run ${i + 1}): ${/Finished in ([\d.]+) s/.exec(run.stdout)?.[1] ?? '?'} s`);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toMatch(/Clicks: 304 fired, 187 counted, 117 filtered \(40 bots, 15 HEAD previews, 62 repeat visits\)/);
        expect(run.stdout).toMatch(/Alice Trail Blog +USD +89 +5 +1310\.00 +158\.50 +164\.50 +152\.50/);
        expect(run.stdout).toMatch(/Alice Trail Blog +EUR +1 +1 +180\.00 +18\.00/);
        expect(run.stdout).toMatch(/Bob Runs Reviews +JPY +1 +1 +5000 +500/);
        expect(run.stdout).toMatch(/payout #\d+ +Alice Trail Blog +158\.50 +USD +wire +completed/);
        expect(run.stdout).toMatch(/payout #\d+ +Alice Trail Blog +18\.00 +EUR +wire +completed/);
        expect(run.stdout).toMatch(/payout #\d+ +Bob Runs Reviews +500 +JPY +wire +completed/);
        expect(run.stdout).toContain('Reconciliation: balanced (0 violations)');
        expect(run.stdout).toContain('Checks: all 7 passed');
        // Ends with the web app's sign-in links for its vendor and a partner, read from the outbox.
        expect(run.stdout).toMatch(/Sign in to the web app \(each link works once, within 15 minutes\):\n {2}vendor Demo Outdoors \S+ <owner\+\S+@demo-outdoors\.example>: http:\/\/127\.0\.0\.1:\d+\/app\/sign-in#token=[A-Za-z0-9_-]{43}\n {2}partner Alice Trail Blog <partner1\+\S+@partners\.example>: http:\/\/127\.0\.0\.1:\d+\/app\/sign-in#token=[A-Za-z0-9_-]{43}\n$/);
        runs.push(run.stdout);
      }
      // The second run reports on its own vendor: its own ids, the same figures.
      const vendorLine = (text: string) => /vendor #(\d+)/.exec(text)?.[1];
      expect(vendorLine(runs[1]!)).not.toBe(vendorLine(runs[0]!));
    } finally {
      await platform.stop();
      await rm(platformDir, { recursive: true, force: true });
    }
  }, 240_000);
});
