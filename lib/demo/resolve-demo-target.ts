/**
 * Where the demo talks to and with which operator token: `DEMO_BASE_URL`, else
 * `http://127.0.0.1:$PORT` (3000); `ADMIN_TOKEN`, else the file `npm start` writes when it
 * generates a token, `<DATA_DIR or .local>/admin-token`.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DemoStepError } from './demo-http.js';

/** The admin-token file's name inside the data directory (bin/local.ts writes it). */
export const ADMIN_TOKEN_FILE = 'admin-token';

export interface DemoTarget {
  baseUrl: string;
  adminToken: string;
  /** Where the token came from, for the report's first line. */
  tokenSource: string;
}

/** `NAME=` counts as unset, as in bin/local.ts. */
function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function demoBaseUrl(env: NodeJS.ProcessEnv): string {
  const explicit = setting(env, 'DEMO_BASE_URL');
  if (explicit) {
    let url: URL;
    try {
      url = new URL(explicit);
    } catch (cause) {
      throw new DemoStepError(`DEMO_BASE_URL is not a URL: ${explicit}`, { cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DemoStepError(`DEMO_BASE_URL must be http(s): ${explicit}`);
    return explicit.replace(/\/+$/, '');
  }
  const port = setting(env, 'PORT') ?? '3000';
  if (!/^\d{1,5}$/.test(port) || Number(port) === 0 || Number(port) > 65_535) {
    throw new DemoStepError(`PORT must be the platform's port (1-65535), got "${port}"; or set DEMO_BASE_URL`);
  }
  return `http://127.0.0.1:${port}`;
}

/**
 * The operator token: `ADMIN_TOKEN`, else `<DATA_DIR or .local>/admin-token`. A missing file is
 * looked for again for `waitMs` (npm start writes it right after it turns ready).
 */
export async function resolveAdminToken(input: { env: NodeJS.ProcessEnv; cwd: string; waitMs?: number }): Promise<{ adminToken: string; tokenSource: string }> {
  const fromEnv = setting(input.env, 'ADMIN_TOKEN');
  if (fromEnv) return { adminToken: fromEnv, tokenSource: 'ADMIN_TOKEN' };
  const file = join(resolve(input.cwd, setting(input.env, 'DATA_DIR') ?? '.local'), ADMIN_TOKEN_FILE);
  const deadline = Date.now() + (input.waitMs ?? 0);
  let text: string;
  for (;;) {
    try {
      text = await readFile(file, 'utf8');
      break;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new DemoStepError(`cannot read the admin token file ${file}: ${(cause as Error).message}`, { cause });
      }
      if (Date.now() >= deadline) {
        throw new DemoStepError(
          `no admin token: ${file} does not exist. Start the platform with \`npm start\` (it writes the file), ` +
            'or set ADMIN_TOKEN to the token the platform was started with (and DATA_DIR if it is not .local)',
          { cause },
        );
      }
      await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
    }
  }
  const token = text.trim();
  if (!token) throw new DemoStepError(`${file} is empty; restart the platform with \`npm start\` or set ADMIN_TOKEN`);
  return { adminToken: token, tokenSource: file };
}

export async function resolveDemoTarget(input: { env: NodeJS.ProcessEnv; cwd: string; waitMs?: number }): Promise<DemoTarget> {
  return { baseUrl: demoBaseUrl(input.env), ...(await resolveAdminToken(input)) };
}
