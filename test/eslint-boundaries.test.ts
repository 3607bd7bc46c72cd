/**
 * The layer rules of eslint.config.js (docs/architecture.md): each planted violation below is
 * linted as if it were a file at that path, with the project's own config, and must be reported;
 * the legal imports beside them must not be.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'eslint.config.js') });

async function lint(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return result!.messages.map((m) => ({ ruleId: m.ruleId, message: m.message }));
}

/** An import whose binding is used, so only the boundary rules can object. */
const importing = (specifier: string) => `import { x } from '${specifier}';\nexport const y = x;\n`;

describe('layer boundaries in eslint.config.js', () => {
  it.each([
    ['the domain imports an adapter', 'functions/domain/campaigns/planted.ts', '../../adapters/aws/dynamodb-link-store.js', /domain is pure/],
    ['the domain imports platform/http', 'functions/domain/campaigns/planted.ts', '../../platform/http/errors.js', /domain is pure/],
    ['the domain imports a repository', 'functions/domain/planted.ts', '../repositories/campaigns.js', /domain is pure/],
    ['the domain imports a use case', 'functions/domain/payouts/planted.ts', '../../use-cases/send-payout.js', /domain is pure/],
    ['the domain imports the AWS SDK', 'functions/domain/planted.ts', '@aws-sdk/client-sqs', /AWS SDK/],
    ['the domain imports pg', 'functions/domain/planted.ts', 'pg', /database driver/],
    ['the domain reads files', 'functions/domain/planted.ts', 'node:fs', /I\/O/],
    ['the domain opens sockets', 'functions/domain/planted.ts', 'node:http', /I\/O/],
    ['a port imports an adapter', 'functions/ports/planted.ts', '../adapters/aws/sqs-click-queue.js', /Ports are interfaces/],
    ['a port imports the AWS SDK', 'functions/ports/planted.ts', '@aws-sdk/client-sqs', /Ports are interfaces/],
    ['a use case imports a handler', 'functions/use-cases/planted.ts', '../handlers/redirect.js', /Use cases are called by functions\/handlers/],
    ['a use case imports a job', 'functions/use-cases/planted.ts', '../jobs/run-job.js', /Use cases are called by functions\/jobs/],
    ['a use case imports platform/http', 'functions/use-cases/planted.ts', '../platform/http/errors.js', /Use cases do not know HTTP/],
    ['a use case imports the AWS SDK', 'functions/use-cases/planted.ts', '@aws-sdk/client-dynamodb', /AWS SDK/],
    ['a repository imports platform/http', 'functions/repositories/planted.ts', '../platform/http/principal.js', /Repositories do not know HTTP/],
    ['a repository imports a use case', 'functions/repositories/planted.ts', '../use-cases/record-conversion.js', /Repositories hold SQL/],
    ['a repository imports a handler', 'functions/repositories/planted.ts', '../handlers/api/campaigns.js', /Repositories hold SQL/],
    ['an adapter imports a use case', 'functions/adapters/aws/planted.ts', '../../use-cases/notify-vendor.js', /Adapters implement ports/],
    ['an adapter imports a handler', 'functions/adapters/planted.ts', '../handlers/webhooks.js', /Adapters implement ports/],
    ['an adapter imports platform/http', 'functions/adapters/http/planted.ts', '../../platform/http/responses.js', /Adapters never import up/],
    ['a job imports a handler', 'functions/jobs/planted.ts', '../handlers/attribute-conversions.js', /Jobs are scheduled entries/],
    ['a job imports platform/http', 'functions/jobs/planted.ts', '../platform/http/errors.js', /Jobs do not know HTTP/],
    ['a handler imports a job', 'functions/handlers/api/planted.ts', '../../jobs/payouts.js', /Handlers call use cases, never a job/],
    ['a function imports aws-cdk-lib', 'functions/handlers/planted.ts', 'aws-cdk-lib', /never imports the CDK/],
    ['a function imports a CDK submodule', 'functions/platform/planted.ts', 'aws-cdk-lib/aws-sqs', /never imports the CDK/],
    ['a function imports constructs', 'functions/adapters/planted.ts', 'constructs', /never imports the CDK/],
    ['a function imports a stack', 'functions/handlers/planted.ts', '../../lib/stacks/api-stack.js', /imports only lib\/resources.ts/],
    ['a function imports the local runner', 'functions/ports/planted.ts', '../../lib/local/http-gateway.js', /imports only lib\/resources.ts/],
    ['a function imports bin/', 'functions/platform/planted.ts', '../../bin/app.js', /imports only lib\/resources.ts/],
  ])('reports %s', async (_case, filePath, specifier, message) => {
    const messages = await lint(filePath, importing(specifier));
    expect(messages).toEqual([{ ruleId: 'no-restricted-imports', message: expect.stringMatching(message) }]);
  });

  it('reports a type-only import across a boundary (a type is a dependency on its module)', async () => {
    const messages = await lint('functions/domain/planted.ts', "import type { Actor } from '../platform/http/principal.js';\nexport type A = Actor;\n");
    expect(messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
  });

  it('reports a re-export across a boundary', async () => {
    const messages = await lint('functions/use-cases/planted.ts', "export { handler } from '../handlers/redirect.js';\n");
    expect(messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
  });

  it.each(['functions/jobs/planted.ts', 'functions/use-cases/planted.ts', 'functions/domain/planted.ts', 'functions/platform/planted.ts'])(
    'reports console in %s (logs go through the Logger port)',
    async (filePath) => {
      const messages = await lint(filePath, "export function f() {\n  console.log('done');\n}\n");
      expect(messages).toEqual([{ ruleId: 'no-console', message: 'Unexpected console statement.' }]);
    },
  );

  it.each([
    ['the domain imports a port, a sibling and a pure library', 'functions/domain/campaigns/planted.ts', ['../../ports/link-store.js', '../money/currency.js', 'zod', 'node:crypto']],
    ['the domain imports its errors', 'functions/domain/campaigns/planted.ts', ['../errors.js']],
    ['a use case imports repositories, ports, the domain and adapters it is handed types of', 'functions/use-cases/planted.ts', ['../repositories/payouts.js', '../ports/sql-executor.js', '../domain/money/index.js', '../domain/errors.js']],
    ['a port imports the domain and zod', 'functions/ports/planted.ts', ['../domain/clicks/click-message.js', 'zod']],
    ['a handler imports a use case, platform/http and the composition root', 'functions/handlers/api/planted.ts', ['../../use-cases/send-payout.js', '../../platform/http/route.js', '../../platform/composition-root.js']],
    ['a repository imports the domain and the SQL port', 'functions/repositories/planted.ts', ['../domain/money/index.js', '../ports/sql-executor.js']],
    ['an adapter imports a port, the domain and the AWS SDK', 'functions/adapters/aws/planted.ts', ['../../ports/click-queue.js', '../../domain/money/index.js', '@aws-sdk/client-sqs']],
    ['a job imports a use case and a repository', 'functions/jobs/planted.ts', ['../use-cases/run-payouts.js', '../repositories/payouts.js']],
    ['runtime code imports the shared resource declaration', 'functions/handlers/planted.ts', ['../../lib/resources.js']],
    ['the CDK app imports aws-cdk-lib and the handlers', 'lib/stacks/planted.ts', ['aws-cdk-lib', '../../functions/handlers/redirect.js']],
  ])('allows %s', async (_case, filePath, specifiers) => {
    const code = specifiers.map((s, i) => `import { x${i} } from '${s}';\nexport const y${i} = x${i};\n`).join('');
    expect(await lint(filePath, code)).toEqual([]);
  });

  it('allows console outside functions/ (the local runner and the demo print to a terminal)', async () => {
    expect(await lint('lib/local/planted.ts', "export function f() {\n  console.log('ready');\n}\n")).toEqual([]);
  });
});
