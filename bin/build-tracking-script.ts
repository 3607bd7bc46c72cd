/**
 * Rebuilds functions/tracking-script/tracking-script-bundle.generated.ts from the browser
 * sources and prints each file's size and integrity hash: `npx tsx bin/build-tracking-script.ts`.
 */
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { buildTrackingScript, renderGeneratedModule, subresourceIntegrity } from '../functions/tracking-script/build-tracking-script.js';

const bundles = await buildTrackingScript();
const target = new URL('../functions/tracking-script/tracking-script-bundle.generated.ts', import.meta.url);
await writeFile(target, renderGeneratedModule(bundles));
for (const [name, text] of Object.entries({ iife: bundles.iife, esm: bundles.esm })) {
  process.stdout.write(`${name}: ${Buffer.byteLength(text)} bytes, ${gzipSync(text).length} gzipped, ${subresourceIntegrity(text)}\n`);
}
