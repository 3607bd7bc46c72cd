import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { queues, type QueueName } from '../../../lib/resources.js';
import { synthPlatform, type CfnJson } from './platform-fixture.js';

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

  it('has exactly those alarms and a dashboard showing them', () => {
    // Per queue: DLQ, consumer errors, throttles; redirect latency, API 5xx; unsignable notifications.
    expect(alarms).toHaveLength(Object.keys(queues).length * 3 + 3);
    monitoring.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(monitoring.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    for (const name of Object.keys(queues) as QueueName[]) expect(body).toContain(`${queues[name].deadLetterQueueName} depth`);
    expect(body).toContain('Redirect p99 duration');
    expect(body).toContain('HTTP API requests and 5xx rate');
    expect(body).toContain('Unsignable vendor notifications');
  });
});
