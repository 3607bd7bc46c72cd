/**
 * The redirect Lambda's bundle: size and module-load time of an esbuild bundle of
 * functions/handlers/redirect.ts against a bundle that only constructs the SDK clients and the UA
 * parser the redirect constructs (DynamoDB, its DocumentClient, SQS, Secrets Manager), built with
 * the deployed bundle's own settings (lib/constructs/lambda-bundle-options.ts, the credential
 * provider alias included) and loaded the same way; a hello-world for scale; a floor (the
 * libraries the redirect keeps, none of our code); and both again with the SDK's default
 * credential chain, as they were bundled before 2026-12-05. Load = a fresh `node` process
 * importing the bundle, measured inside the process (process start excluded), wall and CPU time,
 * median of `--runs`, the bundles taking turns so a burst of load on a shared machine falls on
 * all of them alike. The baseline constructs its clients at import; the redirect builds its deps
 * on the first invocation (`lazyUntracedHandler`), so its load leaves them out.
 *
 * It also prints what the redirect carries beyond the baseline (esbuild's metafile: bytes in the
 * output per package and per own file, redirect minus baseline), so the figures in
 * bench/README.md come from here.
 *
 *   npx tsx bench/redirect-bundle.ts [--runs=15]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { lambdaBundleOptions } from '../lib/constructs/lambda-bundle-options.js';

const root = join(import.meta.dirname, '..');
const out = join(root, '.bench-tmp', 'bundles');
mkdirSync(out, { recursive: true });

const sdkClients = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import UAParser from 'ua-parser-js';
const dynamodb = new DynamoDBClient({});
export const clients = { dynamodb, doc: DynamoDBDocumentClient.from(dynamodb), sqs: new SQSClient({}), ua: new UAParser('Mozilla/5.0') };
export const handler = async () => ({ statusCode: 302 });
`;
// Until 2026-12-05 the baseline left out the Secrets Manager client the redirect builds for its
// origin-verify secret (functions/platform/origin-verified-viewer.ts `originVerifyFor`): the baseline is
// "a bundle of only its SDK clients and UA parser", and that client is one of them. The old
// baseline is still built and its ratio printed, so the change of yardstick stays visible.
writeFileSync(join(out, 'baseline-without-secrets-manager-entry.mjs'), sdkClients);
writeFileSync(
  join(out, 'baseline-entry.mjs'),
  sdkClients.replace(
    'export const clients = {',
    "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';\nexport const clients = { secrets: new SecretsManagerClient({}),",
  ),
);
// The floor: the baseline plus the libraries the redirect keeps whatever else is trimmed (the
// Powertools Logger and Metrics every Lambda has, with their middy middlewares; zod/mini at its
// smallest, one object of one string; isbot), and none of the platform's own code.
writeFileSync(
  join(out, 'floor-entry.mjs'),
  sdkClients.replace('export const handler = async () => ({ statusCode: 302 });', '') +
    `import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { isbot } from 'isbot';
import * as z from 'zod/mini';
export const secrets = new SecretsManagerClient({});
const eventSchema = z.object({ userAgent: z.string() });
let wrapped;
// Powertools built on the first invocation, as the redirect builds it (lazyUntracedHandler).
export const handler = (event, context) =>
  (wrapped ??= middy(async (event) => ({ statusCode: isbot(eventSchema.parse(event).userAgent) ? 404 : 302 }))
    .use(injectLambdaContext(new Logger()))
    .use(logMetrics(new Metrics({ namespace: 'floor' }))))(event, context);
`,
);
writeFileSync(join(out, 'hello-entry.mjs'), 'export const handler = async () => ({ statusCode: 302 });\n');
// The redirect as it would be with X-Ray (Powertools Tracer, SDK clients captured): what
// `lazyUntracedHandler` saves it (docs/operations.md "Tracing").
const platformDir = join(root, 'functions', 'platform').replaceAll('\\', '/');
writeFileSync(
  join(out, 'redirect-traced-entry.mjs'),
  `import { createHandler, redirectAwsClientConfig } from '${join(root, 'functions', 'handlers', 'redirect.ts').replaceAll('\\', '/')}';
import { platformDepsWithoutDatabaseFromEnv as platformDepsFromEnv } from '${platformDir}/composition-root.ts';
import { lazyHandler } from '${platformDir}/lambda-handler.ts';
export const handler = lazyHandler(() => createHandler(platformDepsFromEnv(process.env, redirectAwsClientConfig)));
`,
);

interface Bundle {
  file: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
}

/** `withSdkCredentialChain`: without the deployed alias of the SDK's credential chain, as every bundle was before 2026-12-05. */
async function bundle(name: string, entry: string, { withSdkCredentialChain = false } = {}): Promise<Bundle> {
  const outfile = join(out, `${name}.mjs`);
  const result = await build({
    ...lambdaBundleOptions,
    alias: withSdkCredentialChain ? {} : lambdaBundleOptions.alias,
    mainFields: [...lambdaBundleOptions.mainFields],
    external: [...lambdaBundleOptions.external],
    banner: { js: lambdaBundleOptions.banner },
    entryPoints: [entry],
    outfile,
    bundle: true,
    metafile: true,
    logLevel: 'error',
  });
  const text = readFileSync(outfile);
  return { file: outfile, bytes: text.length, gzipBytes: gzipSync(text).length, metafile: result.metafile };
}

/**
 * One load of `file` in a fresh process, from the first line of the program to the handler
 * exported: wall time, and the CPU time the process spent (all its threads), in ms. The CPU time
 * is the steadier figure on a shared machine: waiting for a core counts in the wall time only.
 */
function loadOnce(file: string): { wallMs: number; cpuMs: number } {
  const output = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const c=process.cpuUsage();const t=process.hrtime.bigint();const m=await import(${JSON.stringify(file)});const w=Number(process.hrtime.bigint()-t)/1e6;const u=process.cpuUsage(c);if(typeof m.handler!=='function')throw new Error('no handler');console.log(w,(u.user+u.system)/1e3)`,
    ],
    { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  const [wallMs, cpuMs] = output.trim().split(' ').map(Number);
  return { wallMs: wallMs!, cpuMs: cpuMs! };
}

const median = (samples: number[]): number => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

/** The repository's own files among the origins `bytesByOrigin` names (the rest are npm packages). */
const ownFiles = new Set<string>();

/** Bytes in the bundle per npm package (`@scope/name`) or, for the repository's own code, per file. */
function bytesByOrigin(metafile: Metafile): Map<string, number> {
  const output = Object.values(metafile.outputs)[0]!;
  const totals = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const at = path.lastIndexOf('node_modules/');
    let origin: string;
    if (at === -1) {
      origin = relative(root, join(process.cwd(), path));
      ownFiles.add(origin);
    } else {
      // A package nested in another's node_modules (its own copy of a dependency) is named with
      // the package that brought it: `@aws-lambda-powertools/tracer > @aws-lambda-powertools/commons`.
      origin = path
        .split('node_modules/')
        .slice(1)
        .map((part) => {
          const [first, second] = part.split('/');
          return first!.startsWith('@') ? `${first}/${second}` : first!;
        })
        .join(' > ');
    }
    totals.set(origin, (totals.get(origin) ?? 0) + bytesInOutput);
  }
  return totals;
}

const runsArg = process.argv.find((value) => value.startsWith('--runs='));
const runs = runsArg ? Number(runsArg.split('=')[1]) : 15;
const bundles = {
  hello: await bundle('hello', join(out, 'hello-entry.mjs')),
  baselineWithoutSecretsManager: await bundle('sdk-clients-only-without-secrets-manager', join(out, 'baseline-without-secrets-manager-entry.mjs')),
  baseline: await bundle('sdk-clients-only', join(out, 'baseline-entry.mjs')),
  floor: await bundle('floor', join(out, 'floor-entry.mjs')),
  redirect: await bundle('redirect', join(root, 'functions', 'handlers', 'redirect.ts')),
  redirectTraced: await bundle('redirect-traced', join(out, 'redirect-traced-entry.mjs')),
  baselineWithSdkCredentialChain: await bundle('sdk-clients-only-credential-chain', join(out, 'baseline-entry.mjs'), { withSdkCredentialChain: true }),
  redirectWithSdkCredentialChain: await bundle('redirect-credential-chain', join(root, 'functions', 'handlers', 'redirect.ts'), { withSdkCredentialChain: true }),
};
type Name = keyof typeof bundles;
const samples = Object.fromEntries(Object.keys(bundles).map((name) => [name, [] as Array<{ wallMs: number; cpuMs: number }>])) as Record<Name, Array<{ wallMs: number; cpuMs: number }>>;
for (let run = 0; run < runs; run += 1) {
  for (const name of Object.keys(bundles) as Name[]) samples[name].push(loadOnce(bundles[name].file));
}
const loadMs = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values.map((value) => value.wallMs))])) as Record<Name, number>;
const cpuMs = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values.map((value) => value.cpuMs))])) as Record<Name, number>;

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
console.log(`| bundle | size | gzipped | load, wall (median of ${runs}) | load, CPU (median of ${runs}) |`);
console.log('| --- | --- | --- | --- | --- |');
for (const name of Object.keys(bundles) as Name[]) {
  console.log(`| ${name} | ${kb(bundles[name].bytes)} KB | ${kb(bundles[name].gzipBytes)} KB | ${loadMs[name].toFixed(1)} ms | ${cpuMs[name].toFixed(1)} ms |`);
}

const { redirect, baseline, baselineWithoutSecretsManager: oldBaseline, redirectTraced } = bundles;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
console.log(
  `\nredirect / SDK clients + UA parser (with Secrets Manager): size ${ratio(redirect.bytes, baseline.bytes)} (${kb(redirect.bytes)} / ${kb(baseline.bytes)} KB), ` +
    `load ${ratio(loadMs.redirect, loadMs.baseline)} (${loadMs.redirect.toFixed(1)} / ${loadMs.baseline.toFixed(1)} ms), load CPU ${ratio(cpuMs.redirect, cpuMs.baseline)}`,
);
console.log(
  `redirect / the baseline before 2026-12-05 (without Secrets Manager): size ${ratio(redirect.bytes, oldBaseline.bytes)} (${kb(redirect.bytes)} / ${kb(oldBaseline.bytes)} KB), ` +
    `load ${ratio(loadMs.redirect, loadMs.baselineWithoutSecretsManager)} (${loadMs.redirect.toFixed(1)} / ${loadMs.baselineWithoutSecretsManager.toFixed(1)} ms), load CPU ${ratio(cpuMs.redirect, cpuMs.baselineWithoutSecretsManager)}`,
);
console.log(
  `both with the SDK's default credential chain (no alias, as before 2026-12-05): size ${ratio(bundles.redirectWithSdkCredentialChain.bytes, bundles.baselineWithSdkCredentialChain.bytes)} ` +
    `(${kb(bundles.redirectWithSdkCredentialChain.bytes)} / ${kb(bundles.baselineWithSdkCredentialChain.bytes)} KB), ` +
    `load ${ratio(loadMs.redirectWithSdkCredentialChain, loadMs.baselineWithSdkCredentialChain)} (${loadMs.redirectWithSdkCredentialChain.toFixed(1)} / ${loadMs.baselineWithSdkCredentialChain.toFixed(1)} ms), ` +
    `load CPU ${ratio(cpuMs.redirectWithSdkCredentialChain, cpuMs.baselineWithSdkCredentialChain)}`,
);
console.log(`goal 1.15x: the redirect may carry ${kb(0.15 * baseline.bytes)} KB beyond the baseline; it carries ${kb(redirect.bytes - baseline.bytes)} KB`);
console.log(
  `floor (baseline + Powertools Logger and Metrics with middy, the smallest zod/mini, isbot; no code of ours): size ${ratio(bundles.floor.bytes, baseline.bytes)} ` +
    `(${kb(bundles.floor.bytes)} KB, ${kb(bundles.floor.bytes - baseline.bytes)} KB beyond the baseline), load ${ratio(loadMs.floor, loadMs.baseline)} (${loadMs.floor.toFixed(1)} ms), load CPU ${ratio(cpuMs.floor, cpuMs.baseline)}`,
);
console.log(
  `with X-Ray (Tracer): ${kb(redirectTraced.bytes)} KB = ${ratio(redirectTraced.bytes, redirect.bytes)} the untraced redirect; load ${ratio(loadMs.redirectTraced, loadMs.redirect)}, load CPU ${ratio(cpuMs.redirectTraced, cpuMs.redirect)}`,
);

// What the redirect carries beyond the baseline, from esbuild's metafiles (bytes each input
// contributes to the minified output; the sum is a little below the file size: esbuild's own
// runtime helpers and the banner belong to no input).
const redirectBytes = bytesByOrigin(redirect.metafile);
const baselineBytes = bytesByOrigin(baseline.metafile);
const origins = new Set([...redirectBytes.keys(), ...baselineBytes.keys()]);
const rows = [...origins]
  .map((origin) => ({ origin, redirect: redirectBytes.get(origin) ?? 0, baseline: baselineBytes.get(origin) ?? 0 }))
  .map((row) => ({ ...row, extra: row.redirect - row.baseline }))
  .filter((row) => row.extra !== 0)
  .sort((a, b) => b.extra - a.extra);
const own = rows.filter((row) => ownFiles.has(row.origin));
const packages = rows.filter((row) => !own.includes(row));
console.log('\n| redirect minus baseline, per package | redirect | baseline | extra |');
console.log('| --- | --- | --- | --- |');
// Packages the two share at (nearly) the same size are left out of the list, not of the total.
for (const row of packages.filter((row) => Math.abs(row.extra) >= 50)) console.log(`| ${row.origin} | ${kb(row.redirect)} KB | ${kb(row.baseline)} KB | ${kb(row.extra)} KB |`);
const ownTotal = own.reduce((sum, row) => sum + row.extra, 0);
console.log(`| the repository's own code (${own.length} files, below) | ${kb(ownTotal)} KB | | ${kb(ownTotal)} KB |`);
const extraTotal = rows.reduce((sum, row) => sum + row.extra, 0);
console.log(`| total of inputs | ${kb([...redirectBytes.values()].reduce((a, b) => a + b, 0))} KB | ${kb([...baselineBytes.values()].reduce((a, b) => a + b, 0))} KB | ${kb(extraTotal)} KB |`);
console.log('\n| own file | KB |');
console.log('| --- | --- |');
for (const row of own.filter((row) => Math.abs(row.extra) >= 50)) console.log(`| ${row.origin} | ${kb(row.extra)} |`);
