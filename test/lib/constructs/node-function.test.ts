import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { queues, tables } from '../../../lib/resources.js';
import { NodeFunction, tableActions } from '../../../lib/constructs/node-function.js';
import { grants, statementsOfRole } from '../../support/fixtures/cdk-platform.js';

// Any handler that exists will do: this one belongs to the infrastructure itself.
const entry = 'functions/handlers/migrate-on-deploy.ts';

function build(configure: (fn: NodeFunction, stack: Stack) => void = () => undefined) {
  process.env.CDK_VALIDATION = 'false';
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  const fn = new NodeFunction(stack, 'Fn', { entry, functionName: 'fn' });
  configure(fn, stack);
  const template = Template.fromStack(stack);
  const roleLogicalId = Object.keys(template.findResources('AWS::IAM::Role'))[0]!;
  return { template, allowed: grants(statementsOfRole(template, roleLogicalId)) };
}

describe('NodeFunction', () => {
  const { template, allowed } = build();

  it('runs Node.js 22 on arm64 with tracing, source maps and its own log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      // Powertools' service defaults to the construct id; Lambda writes JSON lines at INFO.
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'Fn' } },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^FnLogs') }, LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('starts with nothing but its logs and X-Ray', () => {
    expect(allowed).toEqual(['logs:CreateLogStream on FnLogs', 'logs:PutLogEvents on FnLogs', 'xray:PutTelemetryRecords on *', 'xray:PutTraceSegments on *']);
    expect(Object.values(template.findResources('AWS::IAM::Role'))[0]!.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('bindTable sets the variable and grants the access, with each index by name for Query', () => {
    const bound = build((fn, stack) => {
      const table = new dynamodb.Table(stack, 'clicksTable', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
      fn.bindTable(table, tables.clicks, 'read');
    });
    bound.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { [tables.clicks.envVar]: { Ref: Match.stringLikeRegexp('^clicksTable') } } } });
    const dynamo = bound.allowed.filter((grant) => grant.startsWith('dynamodb:'));
    expect(dynamo).toEqual(
      tableActions.read.flatMap((action) => [`${action} on clicksTable`, `${action} on clicksTable/index/by_cookie`]).sort(),
    );
  });

  it('bindTable narrows to the given actions and refuses actions beyond the access', () => {
    const bound = build((fn, stack) => {
      const table = new dynamodb.Table(stack, 'linksTable', { partitionKey: { name: 'short_code', type: dynamodb.AttributeType.STRING } });
      fn.bindTable(table, tables.links, 'read', ['dynamodb:GetItem']);
    });
    expect(bound.allowed.filter((grant) => grant.startsWith('dynamodb:'))).toEqual(['dynamodb:GetItem on linksTable']);
    expect(() =>
      build((fn, stack) => {
        const table = new dynamodb.Table(stack, 'linksTable', { partitionKey: { name: 'short_code', type: dynamodb.AttributeType.STRING } });
        fn.bindTable(table, tables.links, 'read', ['dynamodb:PutItem']);
      }),
    ).toThrow(/dynamodb:PutItem exceed read access/);
  });

  it('bindQueue sets the URL variable and grants SendMessage only', () => {
    const bound = build((fn, stack) => fn.bindQueue(new sqs.Queue(stack, 'clicksQueue'), queues.clicks));
    expect(bound.allowed.filter((grant) => grant.startsWith('sqs:'))).toEqual(['sqs:SendMessage on clicksQueue']);
    bound.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { [queues.clicks.envVar]: { Ref: Match.stringLikeRegexp('^clicksQueue') } } } });
  });

  it('refuses SnapStart, whose credentials the bundled credential provider would not find', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new NodeFunction(new Stack(app, 'Snap'), 'Snap', { entry, snapStart: lambda.SnapStartConf.ON_PUBLISHED_VERSIONS })).toThrow(
      /NodeFunction Snap: SnapStart needs the SDK's full credential chain/,
    );
  });

  it('fails with a clear message when the handler entry does not exist', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new NodeFunction(new Stack(app, 'Missing'), 'Ghost', { entry: 'functions/handlers/ghost.ts' })).toThrow(
      /NodeFunction Ghost: handler entry functions\/handlers\/ghost\.ts does not exist/,
    );
  });
});
