import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, WEB_APP_CSP, type BuiltWebApp } from '../../web/build-web-app.js';

describe('buildWebApp', () => {
  let outDir: string;
  let built: BuiltWebApp;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'web-build-'));
    built = await buildWebApp({ outDir, minify: true });
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('writes index.html, one content-hashed entry script and stylesheet, and hashed chunks', () => {
    expect(built.script).toMatch(/^app-[A-Z0-9]{8}\.js$/);
    expect(built.stylesheet).toMatch(/^app-[A-Z0-9]{8}\.css$/);
    expect(built.chunks.length).toBeGreaterThanOrEqual(3); // one per role at least
    expect(built.chunks.every((chunk) => /^chunk-[A-Z0-9]{8}\.js$/.test(chunk))).toBe(true);
    expect(built.files).toEqual(['index.html', built.script, built.stylesheet, ...built.chunks].sort());
  });

  it('index.html references the hashed files under /app/ and holds no inline script or style', async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    expect(html).toContain(`<script type="module" src="/app/${built.script}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="/app/${built.stylesheet}">`);
    // Every <script> has a src and an empty body; no style attribute or <style> element.
    expect(html.match(/<script\b[^>]*>([\s\S]*?)<\/script>/g)?.every((tag) => /src="/.test(tag) && /><\/script>$/.test(tag))).toBe(true);
    expect(html).not.toMatch(/<style|\sstyle="|\son[a-z]+="/i);
  });

  it('keeps what each role downloads under 60 KB of script, gzipped (the other roles’ pages are never loaded)', () => {
    expect(Object.keys(built.roleLoadGzipBytes).sort()).toEqual(['operator', 'partner', 'vendor']);
    const total = built.scriptGzipBytes + Object.values(built.chunksGzipBytes).reduce((sum, bytes) => sum + bytes, 0);
    for (const [role, bytes] of Object.entries(built.roleLoadGzipBytes)) {
      expect(bytes, role).toBeGreaterThan(10_000);
      expect(bytes, role).toBeLessThan(60 * 1024);
      expect(bytes, role).toBeLessThan(total); // some chunk is not this role's
    }
  });

  it('builds the same hashes from the same sources (cacheable across deploys)', async () => {
    const again = await mkdtemp(join(tmpdir(), 'web-build-'));
    try {
      const second = await buildWebApp({ outDir: again, minify: true });
      expect([second.script, second.stylesheet, ...second.chunks]).toEqual([built.script, built.stylesheet, ...built.chunks]);
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });

  it('the CSP allows scripts and styles from this origin only', () => {
    expect(WEB_APP_CSP).toContain("script-src 'self';");
    expect(WEB_APP_CSP).toContain("style-src 'self';");
    expect(WEB_APP_CSP).not.toContain('unsafe-inline');
    expect(WEB_APP_CSP).toContain("frame-ancestors 'none'");
  });
});
