import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { envVars, functions, queues, tables, type FunctionDeclaration, type FunctionName, type QueueDeclaration, type TableName } from '../../../lib/resources.js';
import { narrowedTableActions } from '../../../lib/constructs/platform-function.js';
import { repositoryRoot, tableActions } from '../../../lib/constructs/node-function.js';
import { loadStageConfig, StageConfigError } from '../../../lib/stage-config.js';
import { databaseRoleSecretId } from '../../../lib/stacks/data-stack.js';
import { scheduledFunctionNames } from '../../../lib/stacks/workers-stack.js';
import { cdkContext, functionNamed, grants, statementsOfRole, synthPlatform } from '../../support/fixtures/cdk-platform.js';

const { app, config, stacks, templates } = synthPlatform();
const allTemplates = Object.values(templates);

function templateOf(name: FunctionName) {
  const found = allTemplates.filter((template) => Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: `${config.stage}-${name}` } })).length > 0);
  expect(found, `templates holding ${name}`).toHaveLength(1);
  return found[0]!;
}

/**
 * Every acknowledgement in the tree (`construct path: rule id`), and the ones cdk-nag actually
 * needed for a finding: an acknowledgement nothing needs is stale and hides the next real finding.
 */
function acknowledgementUse(scope: App): { declared: string[]; used: string[] } {
  const key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
  const idsOf = (construct: IConstruct) =>
    construct.node.metadata.filter((entry) => entry.type === key && entry.data).flatMap((entry) => Object.keys(entry.data as object).map((id) => id.replace(/^annotation::/i, '')));
  const declared = scope.node.findAll().flatMap((construct) => idsOf(construct).map((id) => `${construct.node.path}: ${id}`));
  const used = new Set<string>();
  const checks = new AwsSolutionsChecks(scope);
  // cdk-nag asks this only for a non-compliant resource; record which ancestor's acknowledgement answered.
  (checks as unknown as { isAcknowledged: (resource: IConstruct, ruleId: string) => boolean }).isAcknowledged = (resource, ruleId) => {
    for (let current: IConstruct | undefined = resource; current; current = current.node.scope) {
      if (idsOf(current).includes(ruleId)) {
        used.add(`${current.node.path}: ${ruleId}`);
        return true;
      }
    }
    return false;
  };
  checks.validateScope(scope);
  return { declared: [...new Set(declared)].sort(), used: [...used].sort() };
}

describe('the whole app', () => {
  it('acknowledges no cdk-nag rule that no resource breaks (no stale acknowledgement)', () => {
    const { declared, used } = acknowledgementUse(app);
    // Only cdk-nag's own rules: other ids belong to CDK's CloudFormation validation, not run here.
    expect(declared.filter((ack) => ack.includes(': AwsSolutions-') && !used.includes(ack))).toEqual([]);
  });

  it('has no AwsSolutions finding left unacknowledged (cdk-nag v3, every stack)', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map((violation) => `${violation.ruleName}: ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('builds the data, api, workers, edge and monitoring stacks with stage-prefixed names', () => {
    expect(Object.values(stacks).map((stack) => stack.stackName)).toEqual(
      ['Data', 'Api', 'Workers', 'Edge', 'WebApp', 'Monitoring'].map((part) => `Affiliate-${config.stage}-${part}`),
    );
    // Stateless stacks depend on the data stack, never the other way round.
    expect(stacks.data.dependencies).toEqual([]);
    expect(stacks.api.dependencies).toContain(stacks.data);
    expect(stacks.workers.dependencies).toContain(stacks.data);
  });

  it('grants "*" only to X-Ray, the one API without resource-level permissions', () => {
    for (const template of allTemplates) {
      for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
        for (const statement of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
          const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
          if (!resources.includes('*')) continue;
          const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
          expect(actions.every((action) => action.startsWith('xray:'))).toBe(true);
        }
      }
    }
  });

  const queueDeclarations: QueueDeclaration[] = Object.values(queues);

  describe.each(Object.keys(functions) as FunctionName[])('%s', (name) => {
    const declaration: FunctionDeclaration = functions[name];

    it('exists once, on Node.js 22 arm64 with tracing, its declared timeout and memory', () => {
      const { properties } = functionNamed(templateOf(name), `${config.stage}-${name}`);
      expect(properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Timeout: declaration.timeoutSeconds,
        MemorySize: declaration.memoryMb,
        Handler: 'index.handler',
      });
    });

    it('is told exactly the tables, queues and database it declares, and granted exactly that', () => {
      const template = templateOf(name);
      const fn = functionNamed(template, `${config.stage}-${name}`);
      const variables = fn.properties.Environment.Variables as Record<string, unknown>;
      for (const table of Object.keys(tables) as TableName[]) {
        expect(tables[table].envVar in variables, `${tables[table].envVar}`).toBe(declaration.tables.some((binding) => binding.name === table));
      }
      // A queue's URL goes to the functions that send to it and to its consumer (which postpones retries).
      for (const queue of queueDeclarations) {
        const sends = (declaration.sendsTo as readonly string[]).includes(queue.name);
        expect(queue.envVar in variables, queue.envVar).toBe(sends || queue.consumer === name);
      }
      // The redirect (databaseRole null) gets no database variable at all: no cluster, no secret.
      for (const variable of [envVars.dbClusterArn, envVars.dbSecretArn, envVars.dbName, envVars.databaseUrl, envVars.dbRole]) {
        expect(variable in variables, variable).toBe(variable === envVars.databaseUrl || variable === envVars.dbRole ? false : declaration.databaseRole !== null);
      }
      const paymentDataKey: readonly string[] = (declaration as { paymentDataKey?: readonly string[] }).paymentDataKey ?? [];
      expect(envVars.paymentDataKeyArn in variables).toBe(paymentDataKey.length > 0);

      const allowed = grants(statementsOfRole(template, fn.roleLogicalId));
      const expected = new Set<string>([`logs:CreateLogStream on ${name}Logs`, `logs:PutLogEvents on ${name}Logs`, 'xray:PutTelemetryRecords on *', 'xray:PutTraceSegments on *']);
      for (const binding of declaration.tables) {
        const actions = narrowedTableActions[name]?.[binding.name] ?? tableActions[binding.access];
        const indexes = actions.includes('dynamodb:Query') ? (tables[binding.name].globalSecondaryIndexes as readonly { indexName: string }[]).map((index) => `/index/${index.indexName}`) : [];
        for (const action of actions) for (const suffix of ['', ...indexes]) expected.add(`${action} on ${binding.name}Table${suffix}`);
      }
      for (const queue of declaration.sendsTo as readonly string[]) expected.add(`sqs:SendMessage on ${queue}Queue`);
      // Scheduled-job functions: Lambda itself puts a run that failed on every attempt on the on-failure queue.
      if (scheduledFunctionNames.includes(name)) {
        for (const action of ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']) expected.add(`${action} on JobFailures`);
      }
      if (declaration.databaseRole) {
        for (const action of ['BatchExecuteStatement', 'BeginTransaction', 'CommitTransaction', 'ExecuteStatement', 'RollbackTransaction']) {
          expected.add(`rds-data:${action} on Database`);
        }
        // Its own role's secret, and neither the master secret nor another function's.
        expected.add(`secretsmanager:DescribeSecret on ${databaseRoleSecretId(declaration.databaseRole)}Attachment`);
        expected.add(`secretsmanager:GetSecretValue on ${databaseRoleSecretId(declaration.databaseRole)}Attachment`);
      }
      // The redirect and the management API (behind the web app's CloudFront) read the origin-verify secret (api stack), and nothing else does.
      if (name === 'redirect' || name === 'managementApi') expected.add('secretsmanager:GetSecretValue on OriginVerifySecret');
      // The management API reads the operator token and the payout credentials it sends payouts with, and nothing else does.
      if (name === 'managementApi') for (const secret of ['AdminToken', 'StripePayoutSecret', 'PayPalPayoutSecret']) expected.add(`secretsmanager:GetSecretValue on ${secret}`);
      // GET /v1/admin/queues: the operator console reads every queue's and dead-letter queue's depth.
      if (name === 'managementApi') {
        for (const queue of queueDeclarations) {
          for (const action of ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl']) {
            expected.add(`${action} on ${queue.name}Queue`);
            expected.add(`${action} on ${queue.name}DeadLetterQueue`);
          }
        }
      }
      if (paymentDataKey.includes('seal')) expected.add('kms:GenerateDataKey on PaymentDataKey');
      if (paymentDataKey.includes('open')) expected.add('kms:Decrypt on PaymentDataKey');
      const consumes = queueDeclarations.find((queue) => queue.consumer === name);
      if (consumes) {
        for (const action of ['ChangeMessageVisibility', 'DeleteMessage', 'GetQueueAttributes', 'GetQueueUrl', 'ReceiveMessage']) {
          expected.add(`sqs:${action} on ${consumes.name}Queue`);
        }
      }
      expect(allowed).toEqual([...expected].sort());
    });
  });
});

describe('stage configuration', () => {
  const fromContext = (overrides: Record<string, unknown>) => () => loadStageConfig((key) => ({ ...cdkContext, ...overrides })[key]);

  it('accepts the cdk.json defaults', () => {
    expect(fromContext({})()).toMatchObject({ stage: cdkContext.stage, alarmEmail: cdkContext.alarmEmail, shortLinkDomain: undefined });
  });

  it('names every bad key', () => {
    expect(fromContext({ alarmEmail: 'not-an-email', stage: 'Prod!' })).toThrow(StageConfigError);
    expect(fromContext({ alarmEmail: 'not-an-email', stage: 'Prod!' })).toThrow(/alarmEmail: .*\n.*stage: |stage: .*\n.*alarmEmail: /);
    expect(fromContext({ retention: { logsDays: 31 } })).toThrow(/retention\.logsDays: must be one of 1, 3, 5/);
    expect(fromContext({ payoutSchedule: 'every monday' })).toThrow(/payoutSchedule: must be rate/);
  });

  it('requires a us-east-1 certificate with the short-link domain, and pairs hosted zone id and name', () => {
    expect(fromContext({ shortLinkDomain: 'go.example.com' })).toThrow(/shortLinkCertificateArn: is required when shortLinkDomain is set/);
    expect(
      fromContext({ shortLinkDomain: 'go.example.com', shortLinkCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-1' }),
    ).toThrow(/shortLinkCertificateArn: must be in us-east-1/);
    expect(fromContext({ hostedZoneId: 'Z0123456789ABC' })).toThrow(/hostedZoneName: hostedZoneId and hostedZoneName go together/);
  });

  it('stops bin/app.ts before any stack is built, naming the bad key', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
        cwd: repositoryRoot,
        encoding: 'utf8',
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...cdkContext, alarmEmail: 'nobody' }) },
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Invalid stage configuration');
      expect(run.stderr).toContain('alarmEmail: Invalid email address');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('takes string overrides from -c, including one retention age at a time', () => {
    const config = loadStageConfig((key) => ({ ...cdkContext, databaseMaxCapacity: '8', 'retention.clicksDays': '365' })[key]);
    expect(config.databaseMaxCapacity).toBe(8);
    expect(config.retention).toEqual({ ...(cdkContext.retention as object), clicksDays: 365 });
  });
});
