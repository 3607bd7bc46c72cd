/**
 * The redirect Lambda's bundle: size and module-load time of an esbuild bundle of
 * functions/handlers/redirect.ts (SDK bundled and minified, platform node, target node22), against
 * a bundle that only constructs the same SDK clients and UA parser, built and loaded the same way
 * (and a hello-world for scale). Load time = a fresh `node` process requiring the bundle, median
 * of several runs, measured inside the process (process start excluded).
 *
 *   npx tsx bench/redirect-bundle.ts [--runs=15]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const out = join(root, '.bench-tmp', 'bundles');
mkdirSync(out, { recursive: true });

const baselineSource = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import UAParser from 'ua-parser-js';
const dynamodb = new DynamoDBClient({});
export const clients = { dynamodb, doc: DynamoDBDocumentClient.from(dynamodb), sqs: new SQSClient({}), ua: new UAParser('Mozilla/5.0') };
export const handler = async () => ({ statusCode: 302 });
`;
writeFileSync(join(out, 'baseline-entry.mjs'), baselineSource);
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

async function bundle(name: string, entry: string): Promise<string> {
  const outfile = join(out, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    // The same shape as the deployed bundle (lib/constructs/node-function.ts): ESM, ESM builds of
    // dependencies preferred, so tree-shaking applies to them, and a `require` for CJS leftovers.
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    legalComments: 'none',
    // pg's optional native binding is never used (the Lambda talks to Aurora through the Data API).
    external: ['pg-native'],
    logLevel: 'error',
  });
  return outfile;
}

function loadMs(file: string, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const output = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const t=process.hrtime.bigint();const m=await import(${JSON.stringify(file)});if(typeof m.handler!=='function')throw new Error('no handler');console.log(Number(process.hrtime.bigint()-t)/1e6)`],
      { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );
    samples.push(Number(output.trim()));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const runsArg = process.argv.find((value) => value.startsWith('--runs='));
const runs = runsArg ? Number(runsArg.split('=')[1]) : 15;
const files = {
  hello: await bundle('hello', join(out, 'hello-entry.mjs')),
  baseline: await bundle('sdk-clients-only', join(out, 'baseline-entry.mjs')),
  redirect: await bundle('redirect', join(root, 'functions', 'handlers', 'redirect.ts')),
  redirectTraced: await bundle('redirect-traced', join(out, 'redirect-traced-entry.mjs')),
};
const results = Object.fromEntries(
  Object.entries(files).map(([name, file]) => [name, { bytes: statSync(file).size, ms: loadMs(file, runs) }]),
) as Record<keyof typeof files, { bytes: number; ms: number }>;
for (const [name, result] of Object.entries(results)) {
  console.log(`${name.padEnd(10)} ${(result.bytes / 1024).toFixed(0).padStart(6)} KB  load ${result.ms.toFixed(1).padStart(6)} ms (median of ${runs})`);
}
const { redirect, baseline, redirectTraced } = results;
console.log(
  `\nredirect bundle: ${(redirect.bytes / 1024).toFixed(0)} KB = ${(redirect.bytes / baseline.bytes).toFixed(2)}x the SDK-clients-only bundle (${(baseline.bytes / 1024).toFixed(0)} KB); ` +
    `load ${redirect.ms.toFixed(1)} ms = ${(redirect.ms / baseline.ms).toFixed(2)}x (${baseline.ms.toFixed(1)} ms)`,
);
console.log(
  `with X-Ray (Tracer): ${(redirectTraced.bytes / 1024).toFixed(0)} KB = ${(redirectTraced.bytes / redirect.bytes).toFixed(2)}x the untraced redirect; ` +
    `load ${redirectTraced.ms.toFixed(1)} ms = ${(redirectTraced.ms / redirect.ms).toFixed(2)}x`,
);
