import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AwsSolutionsChecks } from 'cdk-nag';
import { retryDelaySeconds } from '../../../functions/domain/notifications/index.js';
import { functions, queues, schedules, tables, visibilityTimeoutSeconds, type QueueName, type TableName } from '../../../lib/resources.js';
import { oldestMessageAlarmSeconds } from '../../../lib/stacks/monitoring-stack.js';
import { businessMetricNames } from '../../../functions/ports/business-metrics.js';
import { synthPlatform, type CfnJson } from '../../support/fixtures/cdk-platform.js';

const { config, templates } = synthPlatform();
const monitoring = templates.monitoring;
const alarms = Object.values(monitoring.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
const topicRef = { Ref: Match.stringLikeRegexp('^Alarms') };

function alarmNamed(name: string): CfnJson {
  const found = alarms.filter((alarm) => alarm.AlarmName === `${config.stage}-${name}`);
  expect(found, `alarm ${name}`).toHaveLength(1);
  return found[0]!;
}

describe('monitoring stack', () => {
  it('sends alarms to an encrypted SNS topic with the operator email subscribed', () => {
    monitoring.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: config.alarmEmail, TopicArn: topicRef });
    monitoring.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    monitoring.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
      expect(alarm.OKActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
    }
  });

  it.each(Object.keys(queues) as QueueName[])('%s: alarms when its dead-letter queue holds any message', (name) => {
    const alarm = alarmNamed(`${queues[name].deadLetterQueueName}-not-empty`);
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::ImportValue': expect.stringMatching(new RegExp(`${name}DeadLetterQueue`)) } }],
    });
  });

  it('alarms on the first vendor notification that cannot be signed (a metric filter on the notifier log `outcome: unsignable`)', () => {
    const alarm = alarmNamed('notifications-unsignable');
    expect(alarm).toMatchObject({ Namespace: 'AffiliatePlatform', MetricName: 'UnsignableNotifications', Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    monitoring.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.outcome = "unsignable" }',
      LogGroupName: { 'Fn::ImportValue': Match.stringLikeRegexp('notifyVendorsLogs') },
      MetricTransformations: [{ MetricNamespace: 'AffiliatePlatform', MetricName: 'UnsignableNotifications', MetricValue: '1' }],
    });
  });

  it.each(Object.keys(queues) as QueueName[])('%s: alarms on its consumer errors and throttles', (name) => {
    const consumer = queues[name].consumer;
    for (const metric of ['Errors', 'Throttles']) {
      expect(alarmNamed(`${consumer}${metric}`)).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: metric, Statistic: 'Sum', Threshold: 0 });
    }
  });

  it("alarms on the redirect's p99 duration and the API's 5xx rate", () => {
    expect(alarmNamed('redirect-p99-duration')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      Threshold: config.redirectP99Ms,
    });
    const rate = alarmNamed('api-5xx-rate');
    expect(JSON.stringify(rate.Metrics)).toContain('100 * errors / requests');
    expect(JSON.stringify(rate.Metrics)).toContain('"MetricName":"5xx"');
  });

  it.each(Object.keys(queues) as QueueName[])('%s: alarms when its oldest message is older than a backlog allows', (name) => {
    const alarm = alarmNamed(`${name}-oldest-message-age`);
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Statistic: 'Maximum',
      Threshold: oldestMessageAlarmSeconds[name],
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::ImportValue': expect.stringMatching(new RegExp(`${name}Queue`)) } }],
    });
    // Above the time one failing message is legitimately retried before the DLQ takes it, so the
    // alarm means a backlog (the DLQ alarm covers the single poison message).
    const retrySpan =
      name === 'notifications'
        ? Array.from({ length: queues[name].maxReceiveCount - 1 }, (_, i) => retryDelaySeconds(i + 1)).reduce((a, b) => a + b, 0)
        : queues[name].maxReceiveCount * visibilityTimeoutSeconds(name);
    expect(oldestMessageAlarmSeconds[name]).toBeGreaterThan(retrySpan);
  });

  it('pages when a scheduled job fails: its on-failure queue holds a run, or the jobs function threw', () => {
    expect(alarmNamed('job-failures-not-empty')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::ImportValue': expect.stringMatching(/JobFailures/) } }],
    });
    for (const name of new Set(schedules.map((schedule) => schedule.function))) {
      expect(alarmNamed(`${name}Errors`)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Threshold: 0,
        Dimensions: [{ Name: 'FunctionName', Value: { 'Fn::ImportValue': expect.stringMatching(new RegExp(name)) } }],
      });
    }
  });

  it('alarms on redirect errors and throttles', () => {
    for (const [alarmName, metric] of [['redirect-errors', 'Errors'], ['redirect-throttles', 'Throttles']] as const) {
      expect(alarmNamed(alarmName)).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: metric, Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(JSON.stringify(alarmNamed(alarmName).Dimensions)).toMatch(/redirect/);
    }
  });

  it('alarms when Aurora runs at the maximum capacity of the stage configuration', () => {
    expect(alarmNamed('aurora-at-max-capacity')).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'ServerlessDatabaseCapacity',
      Statistic: 'Maximum',
      Threshold: config.databaseMaxCapacity,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: { 'Fn::ImportValue': expect.stringMatching(/Database/) } }],
    });
  });

  it('follows a different maximum capacity', () => {
    const other = synthPlatform({ databaseMaxCapacity: '16' });
    const capacity = Object.values(other.templates.monitoring.findResources('AWS::CloudWatch::Alarm')).find(
      (alarm) => alarm.Properties.AlarmName === `${other.config.stage}-aurora-at-max-capacity`,
    );
    expect(capacity?.Properties.Threshold).toBe(16);
  });

  it.each(Object.keys(tables) as TableName[])('%s table: alarms on throttled reads and writes', (name) => {
    const alarm = alarmNamed(`dynamodb-${name}-throttles`);
    const metrics = alarm.Metrics as CfnJson[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('FILL(reads, 0) + FILL(writes, 0)');
    const watched = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric);
    expect(watched.map((m) => m.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    for (const metric of watched) {
      expect(metric).toMatchObject({ Namespace: 'AWS/DynamoDB', Dimensions: [{ Name: 'TableName', Value: { 'Fn::ImportValue': expect.stringMatching(new RegExp(`${tables[name].name}Table`)) } }] });
    }
    expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('has exactly those alarms and a dashboard showing them', () => {
    // Per queue: DLQ, oldest message, consumer errors, throttles; per table: throttles; redirect
    // latency, errors, throttles; API 5xx; unsignable notifications; job failures queue and
    // errors of each scheduled function; Aurora at max capacity.
    const scheduled = new Set(schedules.map((schedule) => schedule.function)).size;
    expect(alarms).toHaveLength(Object.keys(queues).length * 4 + Object.keys(tables).length + 3 + 1 + 1 + 1 + scheduled + 1);
    expect(Object.keys(functions)).toContain('scheduledJobs');
    monitoring.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(monitoring.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    for (const name of Object.keys(queues) as QueueName[]) expect(body).toContain(`${queues[name].deadLetterQueueName} depth`);
    expect(body).toContain('Redirect p99 duration');
    expect(body).toContain('HTTP API requests and 5xx rate');
    expect(body).toContain('Unsignable vendor notifications');
    expect(body).toContain('Failed scheduled job runs');
    expect(body).toContain('Aurora capacity');
  });
});

/** The dashboard as CloudWatch reads it: its JSON body, each CloudFormation reference as `<ref>`. */
function dashboardBody(): { widgets: { properties: { title?: string; metrics?: unknown[][]; markdown?: string } }[] } {
  const body = Object.values(monitoring.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
  return JSON.parse(text) as ReturnType<typeof dashboardBody>;
}

describe('monitoring dashboard', () => {
  const widgets = dashboardBody().widgets;
  const graphs = widgets.filter((widget) => widget.properties.metrics);
  const rows = graphs.flatMap((widget) => widget.properties.metrics!.map((row) => ({ title: widget.properties.title!, row })));
  const expressions = rows.flatMap(({ title, row }) => {
    const options = row.at(-1) as { expression?: string; region?: string };
    return options.expression ? [{ title, expression: options.expression, region: options.region }] : [];
  });
  /** Rows of plain metrics: [namespace, name, dimension, value, ..., options]. */
  const metricRows = rows.filter(({ row }) => typeof row[0] === 'string' && row[0] !== '...');

  it.each([...businessMetricNames])('graphs the business metric %s over every dimension set, in the stage namespace', (name) => {
    const found = expressions.filter((entry) => entry.expression === `SEARCH('Namespace="AffiliatePlatform/${config.stage}" MetricName="${name}"', 'Sum', 300)`);
    expect(found, name).toHaveLength(1);
    expect(found[0]!.title.startsWith(name)).toBe(true);
  });

  it.each(['Errors', 'Throttles', 'Duration'])('graphs Lambda %s of every function', (metric) => {
    const labels = metricRows
      .filter(({ row }) => row[0] === 'AWS/Lambda' && row[1] === metric)
      .map(({ row }) => (row.at(-1) as { label?: string }).label);
    for (const name of Object.keys(functions)) expect(labels, `${metric} of ${name}`).toContain(name);
  });

  it('graphs the SQS age, depth and dead letters, DynamoDB throttles, Aurora capacity and CloudFront 5xx (us-east-1)', () => {
    const names = new Set(metricRows.map(({ row }) => `${String(row[0])} ${String(row[1])}`));
    for (const metric of [
      'AWS/SQS ApproximateAgeOfOldestMessage',
      'AWS/SQS ApproximateNumberOfMessagesVisible',
      'AWS/DynamoDB ReadThrottleEvents',
      'AWS/DynamoDB WriteThrottleEvents',
      'AWS/RDS ServerlessDatabaseCapacity',
    ]) {
      expect(names, metric).toContain(metric);
    }
    const depth = graphs.find((widget) => widget.properties.title === 'Queue depth (visible messages)')!;
    expect(depth.properties.metrics!.map((row) => (row.at(-1) as { label?: string }).label).sort()).toEqual(Object.keys(queues).sort());
    expect(expressions).toContainEqual(
      expect.objectContaining({ expression: expect.stringContaining('MetricName="5xxErrorRate"') as unknown, region: 'us-east-1' }),
    );
  });
});

describe('Lambda logs: JSON, levels and Powertools settings on every function', () => {
  const lambdas = [templates.api, templates.workers].flatMap((template) => Object.values(template.findResources('AWS::Lambda::Function')).map((fn) => fn.Properties as CfnJson));

  it.each(Object.keys(functions))('%s logs JSON at INFO, names its service and the stage metrics namespace', (name) => {
    const fn = lambdas.find((candidate) => candidate.FunctionName === `${config.stage}-${name}`);
    expect(fn, name).toBeDefined();
    expect(fn!.LoggingConfig).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' });
    expect(fn!.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: name, POWERTOOLS_METRICS_NAMESPACE: `AffiliatePlatform/${config.stage}` });
  });
});

describe('CloudFront 5xx alarm (us-east-1, where CloudFront publishes its metrics)', () => {
  const deployed = synthPlatform({}, { account: '123456789012', region: 'eu-west-1' });
  const edgeAlarms = deployed.stacks.edgeAlarms;

  it('lives in a us-east-1 stack with its own encrypted topic and the operator email', () => {
    expect(edgeAlarms?.region).toBe('us-east-1');
    const template = deployed.templates.edgeAlarms;
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: deployed.config.alarmEmail });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${deployed.config.stage}-cloudfront-5xx-rate`,
      Namespace: 'AWS/CloudFront',
      MetricName: '5xxErrorRate',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [Match.objectLike({ Name: 'DistributionId' }), { Name: 'Region', Value: 'Global' }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });
  });

  it("names the edge stack's distribution (carried across regions)", () => {
    const alarm = Object.values(deployed.templates.edgeAlarms.findResources('AWS::CloudWatch::Alarm'))[0]!.Properties as CfnJson;
    const distribution = alarm.Dimensions.find((d: CfnJson) => d.Name === 'DistributionId').Value;
    expect(JSON.stringify(distribution)).toMatch(/Distribution/);
    expect(deployed.stacks.edge.region).toBe('eu-west-1');
  });

  it('stays cdk-nag clean with the cross-region reference in place', () => {
    const report = new AwsSolutionsChecks(deployed.app).validateScope(deployed.app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('is left out, with a note, when the account and region are unknown at synth (a credential-less synth)', () => {
    const agnostic = synthPlatform();
    expect(agnostic.stacks.edgeAlarms).toBeUndefined();
    const messages = agnostic.app.synth().getStackByName(agnostic.stacks.edge.stackName).messages;
    expect(messages.map((m) => `${m.level}: ${String(m.entry.data)}`)).toEqual([expect.stringMatching(/^info: No CloudFront 5xx alarm/)]);
  });
});
