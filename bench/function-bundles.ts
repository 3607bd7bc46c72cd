/**
 * Every Lambda's deployed bundle, from `cdk synth` output: size (minified, as deployed), gzipped
 * size, and module-load time (a fresh `node` process importing the bundle, measured inside the
 * process, median of `--runs`). The function is found by its logical id in the synthesized
 * templates and its code asset by the S3 key, so the figures are of exactly what `cdk deploy`
 * would upload.
 *
 *   npx cdk synth --quiet && npx tsx bench/function-bundles.ts [--runs=7]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = join(import.meta.dirname, '..');
const out = join(root, 'cdk.out');
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 7);

interface LambdaResource {
  Type: string;
  Properties: { Code?: { S3Key?: unknown }; MemorySize?: number };
}

if (!existsSync(out)) throw new Error('cdk.out is missing: run `npx cdk synth --quiet` first');
const rows: Array<{ fn: string; memory: number; bytes: number; gzip: number; loadMs: number }> = [];
for (const file of readdirSync(out).filter((name) => name.endsWith('.template.json'))) {
  const template = JSON.parse(readFileSync(join(out, file), 'utf8')) as { Resources?: Record<string, LambdaResource> };
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const key = resource.Properties.Code?.S3Key;
    if (typeof key !== 'string') continue;
    const bundle = join(out, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
    // Only the platform's own functions (their ESM bundle); CDK's helper functions are left out.
    if (!existsSync(bundle)) continue;
    const text = readFileSync(bundle);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const printed = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(`file://${bundle}`)}); console.log(performance.now() - t);`],
        { env: { ...process.env, AWS_REGION: 'us-east-1' } },
      ).toString();
      times.push(Number(printed.trim().split('\n').pop()));
    }
    times.sort((a, b) => a - b);
    rows.push({ fn: logicalId.replace(/[0-9A-F]{8}$/, ''), memory: resource.Properties.MemorySize ?? 128, bytes: text.length, gzip: gzipSync(text).length, loadMs: times[Math.floor(times.length / 2)]! });
  }
}
rows.sort((a, b) => a.bytes - b.bytes);
console.log('| function | memory | bundle | gzipped | module load (median of %d) |', runs);
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) {
  console.log(`| ${row.fn} | ${row.memory} MB | ${(row.bytes / 1024).toFixed(0)} KB | ${(row.gzip / 1024).toFixed(0)} KB | ${row.loadMs.toFixed(1)} ms |`);
}
