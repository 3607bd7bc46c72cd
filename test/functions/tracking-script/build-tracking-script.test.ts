import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTrackingScript, renderGeneratedModule, type TrackingScriptBundles } from '../../../functions/tracking-script/build-tracking-script.js';
import { trackingScriptIife, trackingScriptIntegrity, trackingScriptModule } from '../../../functions/tracking-script/tracking-script-bundle.generated.js';
import { TRACKING_SCRIPT_VERSION } from '../../../functions/tracking-script/tracking-script-version.js';

const SIZE_BUDGET_GZIPPED = 2048;
const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('the tracking script bundle', () => {
  let rebuilt: TrackingScriptBundles;

  beforeAll(async () => {
    rebuilt = await buildTrackingScript();
  });

  it('is the committed generated module, rebuilt from source (else run npx tsx bin/build-tracking-script.ts and bump the version)', () => {
    expect(read('functions/tracking-script/tracking-script-bundle.generated.ts')).toBe(renderGeneratedModule(rebuilt));
    expect(trackingScriptIife).toBe(rebuilt.iife);
    expect(trackingScriptModule).toBe(rebuilt.esm);
  });

  it(`stays within ${SIZE_BUDGET_GZIPPED} bytes gzipped, both builds`, () => {
    const sizes = { iife: gzipSync(rebuilt.iife).length, esm: gzipSync(rebuilt.esm).length };
    console.log(`[figures] tracking script: iife ${Buffer.byteLength(rebuilt.iife)} B (${sizes.iife} B gzipped), esm ${Buffer.byteLength(rebuilt.esm)} B (${sizes.esm} B gzipped), budget ${SIZE_BUDGET_GZIPPED} B`);
    expect(sizes.iife).toBeLessThanOrEqual(SIZE_BUDGET_GZIPPED);
    expect(sizes.esm).toBeLessThanOrEqual(SIZE_BUDGET_GZIPPED);
  });

  it('has no dependencies: every input is this repository’s own source, and nothing is imported at run time', () => {
    expect(rebuilt.inputs.filter((input) => !input.startsWith('functions/'))).toEqual([]);
    expect(rebuilt.inputs).toContain('functions/tracking-script/browser/create-affiliate.ts');
    // The ES module build may read import.meta but import nothing.
    expect(rebuilt.esm.replace(/import\.meta/g, '')).not.toMatch(/\bimport\b|\brequire\(/);
    expect(rebuilt.iife).not.toMatch(/\bimport\b|\brequire\(/);
  });

  it('writes no cookie for another domain: no Domain attribute anywhere in the bundle', () => {
    expect(rebuilt.iife).toMatch(/SameSite=Lax/);
    expect(rebuilt.iife.toLowerCase()).not.toContain('domain=');
  });

  it('publishes SRI sha384 hashes of the exact bytes, and the guide shows the current ones', () => {
    const sri = (text: string) => `sha384-${createHash('sha384').update(Buffer.from(text, 'utf8')).digest('base64')}`;
    expect(trackingScriptIntegrity).toEqual({ iife: sri(rebuilt.iife), esm: sri(rebuilt.esm) });
    const guide = read('docs/tracking-script.md');
    expect(guide).toContain(`/js/track.v${TRACKING_SCRIPT_VERSION}.js`);
    expect(guide).toContain(trackingScriptIntegrity.iife);
    expect(guide).toContain(trackingScriptIntegrity.esm);
  });

  it.each(['docs/tracking-script.md', 'docs/integrations/stripe.md', 'docs/integrations/shopify.md'])('%s pins only the current version and hashes (a stale hash would make browsers refuse the script)', (path) => {
    const text = read(path);
    const current: string[] = [trackingScriptIntegrity.iife, trackingScriptIntegrity.esm];
    expect((text.match(/sha384-[A-Za-z0-9+/]{64}/g) ?? []).filter((hash) => !current.includes(hash))).toEqual([]);
    expect((text.match(/\/js\/track\.v\d+\.m?js/g) ?? []).filter((p) => !p.startsWith(`/js/track.v${TRACKING_SCRIPT_VERSION}.`))).toEqual([]);
    expect(text).toContain(trackingScriptIntegrity.iife);
  });
});
