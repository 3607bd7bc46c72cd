/**
 * Alarms and the dashboard: a dead-letter queue holding anything, a consumer erroring or being
 * throttled, the redirect getting slow, the HTTP API answering 5xx. All alarms notify one SNS
 * topic with the operator's email subscribed; the dashboard shows the same metrics.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { queues, type FunctionName, type QueueName } from '../resources.js';

export interface MonitoringStackProps extends StackProps {
  readonly stage: string;
  readonly alarmEmail: string;
  /** The data stack's queues; their dead-letter queues are watched. */
  readonly queues: Record<QueueName, { readonly deadLetterQueue: sqs.IQueue }>;
  /** Each queue's consumer, by function name. */
  readonly consumers: Partial<Record<FunctionName, lambda.IFunction>>;
  readonly redirect: lambda.IFunction;
  readonly httpApi: apigwv2.IHttpApi;
  /** @default 500 */
  readonly redirectP99Ms?: number;
  /** Percentage of API requests answered 5xx that raises the alarm. @default 1 */
  readonly api5xxPercent?: number;
  /** The notifications consumer's log group: a notice that cannot be signed alarms at once. */
  readonly notificationLogs?: logs.ILogGroup;
}

export class MonitoringStack extends Stack {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const period = Duration.minutes(5);

    // CloudWatch cannot publish to a topic under the AWS-managed SNS key; it may use this one.
    const key = new kms.Key(this, 'AlarmTopicKey', {
      enableKeyRotation: true,
      description: `${props.stage} alarm topic encryption`,
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Alarms', {
      topicName: `${props.stage}-affiliate-alarms`,
      displayName: `Affiliate platform (${props.stage}) alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, options: Omit<cloudwatch.CreateAlarmOptions, 'metric'>) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
        alarmName: `${props.stage}-${options.alarmName ?? alarmId}`,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    const dlqWidgets: cloudwatch.IWidget[] = [];
    for (const name of Object.keys(queues) as QueueName[]) {
      const depth = props.queues[name].deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' });
      alarm(`${name}DeadLetters`, depth, {
        alarmName: `${queues[name].deadLetterQueueName}-not-empty`,
        alarmDescription: `Messages of ${name} failed ${queues[name].maxReceiveCount} times and wait in ${queues[name].deadLetterQueueName}`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      dlqWidgets.push(new cloudwatch.GraphWidget({ title: `${queues[name].deadLetterQueueName} depth`, left: [depth], width: 8 }));
    }

    const consumerWidgets: cloudwatch.IWidget[] = [];
    for (const name of Object.keys(queues) as QueueName[]) {
      const consumerName = queues[name].consumer;
      const consumer = props.consumers[consumerName];
      if (!consumer) throw new Error(`MonitoringStack: no function for consumer ${consumerName}`);
      const errors = consumer.metricErrors({ period, statistic: 'Sum' });
      const throttles = consumer.metricThrottles({ period, statistic: 'Sum' });
      alarm(`${consumerName}Errors`, errors, {
        alarmDescription: `${consumerName} (consumer of ${name}) threw; failed messages are retried, then dead-lettered`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      alarm(`${consumerName}Throttles`, throttles, {
        alarmDescription: `${consumerName} (consumer of ${name}) was throttled: raise its concurrency or the account limit`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      consumerWidgets.push(new cloudwatch.GraphWidget({ title: `${consumerName}: errors and throttles`, left: [errors, throttles], width: 8 }));
    }

    // A notice we cannot sign (no secret, or one the Standard Webhooks library refuses) is our
    // fault and reaches the DLQ only after two hours of retries: alarm on the first one.
    if (props.notificationLogs) {
      const unsignable = new logs.MetricFilter(this, 'UnsignableNotificationsFilter', {
        logGroup: props.notificationLogs,
        filterPattern: logs.FilterPattern.stringValue('$.outcome', '=', 'unsignable'),
        metricNamespace: 'AffiliatePlatform',
        metricName: 'UnsignableNotifications',
        metricValue: '1',
      });
      const unsignableCount = unsignable.metric({ period, statistic: 'Sum' });
      alarm('UnsignableNotifications', unsignableCount, {
        alarmName: 'notifications-unsignable',
        alarmDescription: 'A vendor notification could not be signed (missing or invalid webhook secret): nothing was sent',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      consumerWidgets.push(new cloudwatch.GraphWidget({ title: 'Unsignable vendor notifications', left: [unsignableCount], width: 8 }));
    }

    const redirectP99 = props.redirect.metricDuration({ period, statistic: 'p99' });
    alarm('RedirectLatency', redirectP99, {
      alarmName: 'redirect-p99-duration',
      alarmDescription: `The redirect's p99 duration is above ${props.redirectP99Ms ?? 500} ms`,
      threshold: props.redirectP99Ms ?? 500,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    const requests = props.httpApi.metricCount({ period, statistic: 'Sum' });
    const serverErrors = props.httpApi.metricServerError({ period, statistic: 'Sum' });
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      label: 'HTTP API 5xx (%)',
      period,
    });
    alarm('Api5xxRate', errorRate, {
      alarmName: 'api-5xx-rate',
      alarmDescription: `More than ${props.api5xxPercent ?? 1}% of HTTP API requests answered 5xx`,
      threshold: props.api5xxPercent ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.stage}-affiliate`,
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
        [
          new cloudwatch.GraphWidget({ title: 'Redirect p99 duration (ms)', left: [redirectP99], width: 12 }),
          new cloudwatch.GraphWidget({ title: 'HTTP API requests and 5xx rate', left: [requests], right: [errorRate], width: 12 }),
        ],
        dlqWidgets,
        consumerWidgets,
      ],
    });
  }
}
