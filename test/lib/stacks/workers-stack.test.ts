import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions, queues, retentionEnvVars, schedules, visibilityTimeoutSeconds, type QueueName } from '../../../lib/resources.js';
import { retentionConfigFromEnv } from '../../../functions/platform/retention-config.js';
import { consumerMaxConcurrency } from '../../../lib/stacks/workers-stack.js';
import { functionNamed, grants, statementsOfRole, synthPlatform } from '../../support/fixtures/cdk-platform.js';

const { config, templates } = synthPlatform({
  payoutSchedule: 'cron(0 7 15 * ? *)',
  // Ages unlike the defaults: a variable the job misread would fall back to a default and show.
  'retention.auditLogsDays': '3000',
  'retention.webhookDeliveriesDays': '45',
});
const workers = templates.workers;

describe('workers stack: queue consumers', () => {
  it('has one event source mapping per queue', () => {
    workers.resourceCountIs('AWS::Lambda::EventSourceMapping', Object.keys(queues).length);
  });

  it.each(Object.keys(queues) as QueueName[])('%s: consumer with batch size, batching window and partial batch failures', (name) => {
    const declaration = queues[name];
    const consumer = functionNamed(workers, `${config.stage}-${declaration.consumer}`);
    workers.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: consumer.logicalId },
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp(`${declaration.name}Queue`) },
      BatchSize: declaration.batchSize,
      MaximumBatchingWindowInSeconds: declaration.maxBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // Two batches per ACU of the default 4-ACU cluster: a backlog cannot flood Aurora.
      ScalingConfig: { MaximumConcurrency: 8 },
    });
    // The queue's visibility timeout (data stack) covers six runs of this consumer.
    expect(visibilityTimeoutSeconds(name)).toBeGreaterThanOrEqual(6 * consumer.properties.Timeout);
    expect(consumer.properties.Timeout).toBe(functions[declaration.consumer as keyof typeof functions].timeoutSeconds);
  });

  it('lets each consumer receive and delete from its own queue only', () => {
    for (const name of Object.keys(queues) as QueueName[]) {
      const consumer = functionNamed(workers, `${config.stage}-${queues[name].consumer}`);
      const consume = grants(statementsOfRole(workers, consumer.roleLogicalId)).filter((grant) => /^sqs:(Receive|Delete|ChangeMessage)/.test(grant));
      expect(consume).toEqual([
        `sqs:ChangeMessageVisibility on ${queues[name].name}Queue`,
        `sqs:DeleteMessage on ${queues[name].name}Queue`,
        `sqs:ReceiveMessage on ${queues[name].name}Queue`,
      ]);
    }
  });
});

describe('workers stack: consumer concurrency follows Aurora', () => {
  it('defaults to two batches per ACU of the maximum capacity, within what SQS event sources accept', () => {
    expect(config.databaseMaxCapacity).toBe(4);
    expect(consumerMaxConcurrency({ databaseMaxCapacity: 16 })).toBe(32);
    expect(consumerMaxConcurrency({ databaseMaxCapacity: 0.5 })).toBe(2);
    expect(consumerMaxConcurrency({ databaseMaxCapacity: 256 })).toBe(512);
    expect(consumerMaxConcurrency({ databaseMaxCapacity: 4, consumerMaxConcurrency: 3 })).toBe(3);
  });

  it('takes the stage setting over the default, on every consumer', () => {
    const tuned = synthPlatform({ consumerMaxConcurrency: '5', databaseMaxCapacity: '64' }).templates.workers;
    const mappings = Object.values(tuned.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings.map((mapping) => mapping.Properties.ScalingConfig)).toEqual(Object.keys(queues).map(() => ({ MaximumConcurrency: 5 })));
  });
});

describe('workers stack: scheduled jobs', () => {
  it('sends a run that failed on every attempt to an encrypted job-failures queue that keeps it 14 days', () => {
    const jobs = functionNamed(workers, `${config.stage}-scheduledJobs`);
    workers.hasResourceProperties('AWS::SQS::Queue', { QueueName: `${config.stage}-job-failures`, SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    workers.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: jobs.logicalId },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobFailures'), 'Arn'] } } },
    });
    workers.resourceCountIs('AWS::Lambda::EventInvokeConfig', new Set(schedules.map((schedule) => schedule.function)).size);
    // Only over TLS, like every other queue.
    workers.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: Match.stringLikeRegexp('^JobFailures') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('creates every declared schedule exactly once, invoking its function with {"job": name}', () => {
    workers.resourceCountIs('AWS::Scheduler::Schedule', schedules.length);
    for (const schedule of schedules) {
      const target = functionNamed(workers, `${config.stage}-${schedule.function}`);
      workers.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { Name: `${config.stage}-${schedule.name}` }, 1);
      workers.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: `${config.stage}-${schedule.name}`,
        ScheduleExpression: schedule.name === 'payouts' ? 'cron(0 7 15 * ? *)' : schedule.expression,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [target.logicalId, 'Arn'] },
          Input: JSON.stringify({ job: schedule.name }),
          RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${schedule.function}SchedulerRole`), 'Arn'] },
        },
      });
    }
  });

  it("gives the scheduler's role lambda:InvokeFunction on the jobs function and nothing else", () => {
    const roles = Object.entries(workers.findResources('AWS::IAM::Role')).filter(([id]) => id.includes('SchedulerRole'));
    expect(roles).toHaveLength(new Set(schedules.map((schedule) => schedule.function)).size);
    for (const [roleLogicalId, role] of roles) {
      expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('scheduler.amazonaws.com');
      const fn = roleLogicalId.replace(/SchedulerRole.*$/, '');
      expect(grants(statementsOfRole(workers, roleLogicalId))).toEqual([`lambda:InvokeFunction on ${fn}`]);
    }
  });

  it('hands the jobs function the retention ages of the stage', () => {
    const jobs = functionNamed(workers, `${config.stage}-scheduledJobs`);
    expect(jobs.properties.Environment.Variables).toMatchObject({
      [retentionEnvVars.clicksDays]: String(config.retention.clicksDays),
      [retentionEnvVars.expiredCookiesDays]: String(config.retention.expiredCookiesDays),
      [retentionEnvVars.clickIpDays]: String(config.retention.clickIpDays),
      [retentionEnvVars.auditLogsDays]: String(config.retention.auditLogsDays),
    });
  });

  it('sets exactly the retention variables the retention config reads, and they read back as the stage ages', () => {
    const variables = functionNamed(workers, `${config.stage}-scheduledJobs`).properties.Environment.Variables as Record<string, string>;
    const set = Object.keys(variables).filter((name) => name.startsWith('RETENTION_')).sort();
    expect(set).toEqual(Object.values(retentionEnvVars).sort());
    // The job reads what the stack wrote: every age of the stage, none left at a default by a misspelt name.
    const { logsDays: _logs, ...ages } = config.retention;
    expect(retentionConfigFromEnv(variables)).toEqual(ages);
  });
});
