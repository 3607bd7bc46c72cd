import { fileURLToPath } from 'node:url';

/**
 * The esbuild settings of every deployed Lambda bundle, in esbuild's own terms. `NodeFunction`
 * hands them to CDK's bundling and the bundle benches (bench/redirect-bundle.ts) build with this
 * same object, so a bench measures what `cdk deploy` uploads, not a copy of its settings.
 *
 * Nothing here imports the CDK: the benches load it without the construct library.
 */

export const lambdaBundleOptions = {
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  // Prefer ESM builds of dependencies (tree-shaking applies to them); CommonJS leftovers still
  // get a working `require` from the banner.
  mainFields: ['module', 'main'],
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  // pg's optional native binding is never used on Lambda (Aurora is reached through the Data API).
  external: ['pg-native'],
  // On Lambda the credentials are always in the environment: the SDK's default chain (INI files,
  // SSO, web identity, metadata services and their STS/SSO clients) never runs there, and costs
  // every bundle ~100 KB. functions/platform/lambda-credential-provider.ts says why it is safe.
  alias: {
    '@aws-sdk/credential-provider-node': fileURLToPath(new URL('../../functions/platform/lambda-credential-provider.ts', import.meta.url)),
  },
} as const;
