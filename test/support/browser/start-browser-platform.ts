/**
 * The browser tests' shared start: the whole local platform in this process (in a fresh data
 * directory) and Debian's Chromium, headless, driven by playwright-core; and, when Chromium is
 * missing, one loud line saying what is not tested.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createDemoHttp, type DemoHttp } from '../../../lib/demo/demo-http.js';
import { silentLog } from '../../../lib/local/local-log.js';
import { startLocalPlatform, type LocalPlatform } from '../../../lib/local/start-local-platform.js';

const CHROMIUM = '/usr/bin/chromium';

/** Whether Chromium is installed; when not, says so loudly, naming what goes untested (`what`). */
export function hasChromium(what: string): boolean {
  const present = existsSync(CHROMIUM);
  if (!present) console.warn(`\n!!! test/browser skipped: ${CHROMIUM} is missing (apt-get install -y chromium). ${what} is NOT tested in a browser. !!!\n`);
  return present;
}

export interface BrowserPlatform {
  platform: LocalPlatform;
  browser: Browser;
  http: DemoHttp;
  dataDir: string;
  close(): Promise<void>;
}

export async function startBrowserPlatform({ dataDirPrefix, webApp = false }: { dataDirPrefix: string; webApp?: boolean }): Promise<BrowserPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), dataDirPrefix));
  const [platform, browser] = await Promise.all([
    startLocalPlatform({ port: 0, dataDir, tickerEnabled: false, log: silentLog, retryDelaySeconds: 0, webApp }),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] }),
  ]);
  return {
    platform,
    browser,
    http: createDemoHttp({ baseUrl: platform.url }),
    dataDir,
    async close() {
      await browser.close();
      await platform.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
