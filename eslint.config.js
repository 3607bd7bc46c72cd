import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layer boundaries of `functions/` (docs/architecture.md explains them). Each restriction is a
 * gitignore-style pattern matched against the import specifier, so `**\/handlers/**` catches
 * `../handlers/x.js` and `../../handlers/api/x.js` alike; type-only imports count too, because a
 * type is a dependency on the module that owns it.
 */
const layer = (name, message) => ({ group: [`**/${name}/**`, `**/${name}`], message });

/** Runtime code is bundled into Lambdas: deploy-time and local-only code must not be pulled in. */
const runtimeBoundary = {
  paths: ['aws-cdk-lib', 'constructs', 'cdk-nag'].map((name) => ({ name, message: 'Runtime code (functions/) never imports the CDK.' })),
  patterns: [
    { group: ['aws-cdk-lib/**', 'constructs/**'], message: 'Runtime code (functions/) never imports the CDK.' },
    {
      group: ['**/lib/stacks/**', '**/lib/constructs/**', '**/lib/local/**', '**/lib/demo/**', '**/bin/**'],
      message: 'Runtime code (functions/) imports only lib/resources.ts from lib/, never the stacks, constructs, local runner, demo or bin/.',
    },
  ],
};

/** Bare module names, matched exactly (a pattern `http` would also match `platform/http/`). */
const modules = (names, message) => names.map((name) => ({ name, message }));

const sdk = (who) => ({ group: ['@aws-sdk/*'], message: `${who} never import the AWS SDK: take a port, an adapter implements it.` });

const platformHttp = (message) => ({ group: ['**/platform/http/**', '**/platform/http'], message });

const domainRules = {
  paths: [
    ...modules(['pg', '@electric-sql/pglite', 'aws-lambda'], 'The domain is pure: no database driver or Lambda runtime.'),
    ...modules(
      ['node:fs', 'node:fs/promises', 'fs', 'fs/promises', 'node:http', 'http', 'node:https', 'https', 'node:net', 'net', 'node:dns', 'dns', 'node:child_process', 'child_process'],
      'The domain is pure: no file, network or process I/O.',
    ),
  ],
  patterns: [
    ...['adapters', 'handlers', 'jobs', 'platform', 'repositories', 'use-cases'].map((name) =>
      layer(name, `The domain is pure: it imports nothing from functions/${name}/ (ports, the interfaces, are allowed).`),
    ),
    sdk('The domain and the use cases'),
    { group: ['@aws-lambda-powertools/*', '@middy/*'], message: 'The domain is pure: no Lambda middleware or telemetry library.' },
  ],
};

/** The domain may import ports, so ports stay as pure as the domain: interfaces and message schemas only. */
const portRules = {
  patterns: [
    ...['adapters', 'handlers', 'jobs', 'platform', 'repositories', 'use-cases'].map((name) =>
      layer(name, `Ports are interfaces the domain may import: they import nothing from functions/${name}/.`),
    ),
    { group: ['@aws-sdk/*'], message: 'Ports are interfaces: the AWS SDK belongs in their adapters.' },
  ],
};

const useCaseRules = {
  patterns: [
    ...['handlers', 'jobs'].map((name) => layer(name, `Use cases are called by functions/${name}/, never the other way round.`)),
    platformHttp('Use cases do not know HTTP: throw the errors of functions/domain/errors.ts; platform/http maps them.'),
    sdk('The domain and the use cases'),
  ],
};

const repositoryRules = {
  patterns: [
    ...['handlers', 'jobs', 'use-cases'].map((name) => layer(name, `Repositories hold SQL and row mapping only; they never import functions/${name}/.`)),
    platformHttp('Repositories do not know HTTP: throw domain errors (functions/domain/errors.ts).'),
  ],
};

const adapterRules = {
  patterns: [
    ...['handlers', 'jobs', 'use-cases'].map((name) => layer(name, `Adapters implement ports; they never import up into functions/${name}/.`)),
    platformHttp('Adapters never import up into platform/http.'),
  ],
};

const jobRules = {
  patterns: [
    layer('handlers', 'Jobs are scheduled entries: they call use cases, never a handler.'),
    platformHttp('Jobs do not know HTTP: throw domain errors (functions/domain/errors.ts).'),
  ],
};

const handlerRules = { patterns: [layer('jobs', 'Handlers call use cases, never a job (a job is a scheduled entry, like a handler).')] };

/** One `no-restricted-imports` per folder: a later config object replaces the rule's options, so each carries the runtime boundary too. */
const restrict = (files, { paths = [], patterns = [] }) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { paths: [...runtimeBoundary.paths, ...paths], patterns: [...runtimeBoundary.patterns, ...patterns] },
    ],
  },
});


export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.local/**', 'coverage/**', 'dist/**', '.bench-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='parseFloat']", message: 'Money is exact: use functions/domain/money.ts.' },
      ],
    },
  },
  // Logs go through the Logger port (functions/ports/logger.ts), never straight to the console.
  { files: ['functions/**'], rules: { 'no-console': 'error' } },
  restrict(['functions/**'], {}),
  restrict(['functions/domain/**'], domainRules),
  restrict(['functions/ports/**'], portRules),
  restrict(['functions/use-cases/**'], useCaseRules),
  restrict(['functions/repositories/**'], repositoryRules),
  restrict(['functions/adapters/**'], adapterRules),
  restrict(['functions/jobs/**'], jobRules),
  restrict(['functions/handlers/**'], handlerRules),
);
