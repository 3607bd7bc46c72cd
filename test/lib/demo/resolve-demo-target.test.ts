import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoStepError } from '../../../lib/demo/demo-http.js';
import { demoBaseUrl, resolveAdminToken, resolveDemoTarget } from '../../../lib/demo/resolve-demo-target.js';

describe('demoBaseUrl', () => {
  it('takes DEMO_BASE_URL, else loopback on PORT, else 3000', () => {
    expect(demoBaseUrl({ DEMO_BASE_URL: 'http://localhost:8080/', PORT: '9' })).toBe('http://localhost:8080');
    expect(demoBaseUrl({ PORT: '3917' })).toBe('http://127.0.0.1:3917');
    expect(demoBaseUrl({ PORT: '' })).toBe('http://127.0.0.1:3000');
    expect(demoBaseUrl({})).toBe('http://127.0.0.1:3000');
  });

  it('refuses what cannot be the platform', () => {
    expect(() => demoBaseUrl({ DEMO_BASE_URL: 'not a url' })).toThrow(DemoStepError);
    expect(() => demoBaseUrl({ DEMO_BASE_URL: 'ftp://127.0.0.1' })).toThrow(/http\(s\)/);
    expect(() => demoBaseUrl({ PORT: '0' })).toThrow(/PORT/);
    expect(() => demoBaseUrl({ PORT: 'abc' })).toThrow(/PORT/);
  });
});

describe('resolveDemoTarget', () => {
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'demo-target-'));
    await mkdir(join(cwd, '.local'));
    await writeFile(join(cwd, '.local', 'admin-token'), 'token-from-default-dir\n', { mode: 0o600 });
    await mkdir(join(cwd, 'other'));
    await writeFile(join(cwd, 'other', 'admin-token'), '  token-from-data-dir  \n');
    await mkdir(join(cwd, 'empty'));
    await writeFile(join(cwd, 'empty', 'admin-token'), '\n');
  });

  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('prefers ADMIN_TOKEN, then <DATA_DIR>/admin-token, then .local/admin-token', async () => {
    expect(await resolveDemoTarget({ env: { ADMIN_TOKEN: 'from-env', DATA_DIR: 'other' }, cwd })).toEqual({
      baseUrl: 'http://127.0.0.1:3000',
      adminToken: 'from-env',
      tokenSource: 'ADMIN_TOKEN',
    });
    expect(await resolveDemoTarget({ env: { DATA_DIR: 'other', PORT: '4000' }, cwd })).toEqual({
      baseUrl: 'http://127.0.0.1:4000',
      adminToken: 'token-from-data-dir',
      tokenSource: join(cwd, 'other', 'admin-token'),
    });
    expect((await resolveDemoTarget({ env: { ADMIN_TOKEN: '' }, cwd })).adminToken).toBe('token-from-default-dir');
  });

  it('explains a missing or empty token file', async () => {
    await expect(resolveDemoTarget({ env: { DATA_DIR: 'nowhere' }, cwd })).rejects.toThrow(/does not exist\. Start the platform with `npm start`/);
    await expect(resolveDemoTarget({ env: { DATA_DIR: 'empty' }, cwd })).rejects.toThrow(/is empty/);
  });

  it('waits a moment for a file npm start is about to write', async () => {
    const later = join(cwd, 'later');
    await mkdir(later);
    setTimeout(() => void writeFile(join(later, 'admin-token'), 'written-late\n'), 50);
    expect(await resolveAdminToken({ env: { DATA_DIR: 'later' }, cwd, waitMs: 2_000 })).toEqual({ adminToken: 'written-late', tokenSource: join(later, 'admin-token') });
  });
});
