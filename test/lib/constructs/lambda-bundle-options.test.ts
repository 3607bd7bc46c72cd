/**
 * The redirect as `cdk deploy` would upload it: bundled by `NodeFunction` (local esbuild, the
 * house options of lib/constructs/lambda-bundle-options.ts), then loaded in a fresh `node` process
 * with Lambda's credential variables set and the SDK's endpoints on a local HTTP server. The
 * bundle must leave out what the redirect never runs, and its SDK clients must still sign their
 * requests with the credentials from the environment (the SDK's own signer checks the signature).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFunction } from '../../../lib/constructs/node-function.js';
import { envVars, queues, tables } from '../../../lib/resources.js';

const credentials = {
  accessKeyId: 'AKIDLAMBDAEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYLAMBDAEXAMPLE',
  sessionToken: 'session-token-of-the-execution-role',
};

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let outdir: string;
let bundle: string;
let metafile: { outputs: Record<string, { inputs: Record<string, unknown> }> };
let server: Server;
let endpoint: string;
const received: Received[] = [];

beforeAll(async () => {
  process.env.CDK_VALIDATION = 'false';
  outdir = mkdtempSync(join(tmpdir(), 'redirect-bundle-'));
  const app = new App({ outdir });
  // The metafile (index.meta.json beside the bundle) names every input esbuild put in.
  new NodeFunction(new Stack(app, 'Bundle'), 'Redirect', { entry: 'functions/handlers/redirect.ts', bundling: { metafile: true } });
  app.synth();
  const asset = readdirSync(outdir).find((name) => name.startsWith('asset.'))!;
  bundle = join(outdir, asset, 'index.mjs');
  metafile = JSON.parse(readFileSync(join(outdir, asset, 'index.meta.json'), 'utf8')) as typeof metafile;

  // DynamoDB's JSON protocol: an empty GetItem answer (no such link) to every call.
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method!, path: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** Imports the bundle in a fresh process with `env` (and nothing of this process's AWS settings), calls the handler once. */
async function invokeBundle(env: Record<string, string>): Promise<{ result: { statusCode: number }; lines: string[] }> {
  const event = JSON.parse(readFileSync(new URL('../../../events/apigw-v2/get-short-code.json', import.meta.url), 'utf8')) as unknown;
  const script = `const { handler } = await import(${JSON.stringify(bundle)}); console.log(JSON.stringify({ result: await handler(${JSON.stringify(event)}, {}) }));`;
  const home = mkdtempSync(join(tmpdir(), 'no-aws-config-'));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        // No shared config or credentials files to fall back on, wherever the test runs.
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        AWS_ENDPOINT_URL_SQS: endpoint,
        [tables.links.envVar]: 'prod-links',
        [tables.clicks.envVar]: 'prod-clicks',
        [queues.clicks.envVar]: `${endpoint}/123456789012/prod-clicks`,
        [envVars.publicBaseUrl]: 'https://go.example.com',
        POWERTOOLS_METRICS_DISABLED: 'true',
        ...env,
      },
    });
    const lines = stdout.trim().split('\n');
    // The log lines (Powertools writes warnings and errors to stderr), then the handler's result.
    const logLines = [...lines.slice(0, -1), ...stderr.trim().split('\n')].filter((line) => line.startsWith('{'));
    return { result: (JSON.parse(lines.at(-1)!) as { result: { statusCode: number } }).result, lines: logLines };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe('the deployed redirect bundle', () => {
  it('leaves out the SDK credential chain, the tracer, ipaddr.js and the SQL drivers', () => {
    // The inputs of the output file: what is in the bundle (the top-level `inputs` also lists files
    // esbuild read and then shook out entirely).
    const inputs = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    expect(inputs.some((input) => input.endsWith('functions/platform/lambda-credential-provider.ts'))).toBe(true);
    expect(inputs.some((input) => input.includes('@aws-sdk/client-dynamodb/'))).toBe(true);
    for (const left of ['@aws-sdk/credential-provider-node/', '@aws-sdk/credential-provider-ini/', '@aws-sdk/credential-provider-sso/', '@aws-sdk/nested-clients/', '@aws-lambda-powertools/tracer/', 'ipaddr.js/', 'node_modules/pg/', '@aws-sdk/client-rds-data/']) {
      expect(inputs.filter((input) => input.includes(left))).toEqual([]);
    }
  });

  it('signs its DynamoDB call with the credentials Lambda puts in the environment', async () => {
    received.length = 0;
    const { result } = await invokeBundle({
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
    });
    // No link item: the redirect looked the code up and answers 404.
    expect(result.statusCode).toBe(404);
    expect(received).toHaveLength(1);
    const [call] = received as [Received];
    expect(call.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(JSON.parse(call.body)).toMatchObject({ TableName: 'prod-links', Key: { short_code: { S: 'summer-sale' } } });
    expect(call.headers['x-amz-security-token']).toBe(credentials.sessionToken);
    const authorization = String(call.headers.authorization);
    expect(authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/\\d{8}/eu-west-1/dynamodb/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$`));

    // The SDK's own signer, given the same request, credentials and time, must arrive at the same signature.
    const signedHeaders = /SignedHeaders=([a-z0-9;-]+)/.exec(authorization)![1]!.split(';');
    const amzDate = String(call.headers['x-amz-date']);
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`);
    const signer = new SignatureV4({ credentials, region: 'eu-west-1', service: 'dynamodb', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: true });
    const url = new URL(endpoint);
    const signed = await signer.sign(
      {
        method: call.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: call.path,
        query: {},
        headers: Object.fromEntries(signedHeaders.map((name) => [name, String(call.headers[name])])),
        body: call.body,
      },
      { signingDate },
    );
    expect(signed.headers.authorization).toBe(authorization);
  });

  it('without credentials in the environment, sends nothing and says where it looked', async () => {
    received.length = 0;
    const { result, lines } = await invokeBundle({});
    // A failed link lookup is a 503 the shopper may retry; nothing reached the endpoint unsigned.
    expect(result.statusCode).toBe(503);
    expect(received).toEqual([]);
    const failure = lines.map((line) => JSON.parse(line) as { message?: string; detail?: string }).find((line) => line.message === 'link_lookup_failed');
    expect(failure?.detail).toMatch(/No AWS credentials in the environment/);
  });
});
