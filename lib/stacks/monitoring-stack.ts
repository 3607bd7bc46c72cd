// Over 300 lines: every alarm and the dashboard of the platform in one stack, each alarm with its runbook text; split, the dashboard would repeat the alarms' metrics.
/**
 * Alarms and the dashboard: a dead-letter queue holding anything, a queue's oldest message too
 * old, a consumer erroring or being throttled, a scheduled job failing, the redirect getting slow,
 * erroring or throttled, the HTTP API answering 5xx, Aurora at its maximum capacity, DynamoDB
 * throttling. All alarms notify one SNS topic with the operator's email subscribed; the dashboard
 * shows the same metrics. What to do when each fires: docs/operations.md.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as rds from 'aws-cdk-lib/aws-rds';
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
import { businessMetricNames } from '../../functions/ports/business-metrics.js';
import { metricsNamespace, queues, type FunctionName, type QueueName, type TableName } from '../resources.js';

/**
 * Age of a queue's oldest message that raises the alarm, per queue. Above the span a single
 * failing message is retried before it is dead-lettered (receives x visibility timeout, or the
 * notifier's back-off, about an hour), so the alarm means a backlog: consumers not keeping up,
 * stopped, or held back by their maximum concurrency.
 */
export const oldestMessageAlarmSeconds: Record<QueueName, number> = {
  clicks: 20 * 60,
  conversions: 20 * 60,
  notifications: 2 * 60 * 60,
};

export interface MonitoringStackProps extends StackProps {
  readonly stage: string;
  readonly alarmEmail: string;
  /** The data stack's queues; their backlog and their dead-letter queues are watched. */
  readonly queues: Record<QueueName, { readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue }>;
  /** The scheduled jobs' on-failure destination (workers stack) and the functions the schedules invoke. */
  readonly jobs: { readonly failures: sqs.IQueue; readonly functions: Partial<Record<FunctionName, lambda.IFunction>> };
  /** The DynamoDB tables, watched for throttling. */
  readonly tables: Record<TableName, dynamodb.ITable>;
  /** Aurora, watched for running at its maximum capacity (`databaseMaxCapacity` ACU). */
  readonly database: { readonly cluster: rds.DatabaseCluster; readonly maxCapacity: number };
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
  /** Every function of the stage, for the dashboard's Lambda errors, throttles and p99 duration. @default the redirect, consumers and jobs */
  readonly functions?: Partial<Record<FunctionName, lambda.IFunction>>;
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

    const ageWidgets: cloudwatch.IWidget[] = [];
    for (const name of Object.keys(queues) as QueueName[]) {
      const age = props.queues[name].queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' });
      alarm(`${name}OldestMessage`, age, {
        alarmName: `${name}-oldest-message-age`,
        alarmDescription: `The oldest message of ${name} waits for more than ${oldestMessageAlarmSeconds[name]} s: its consumer is not keeping up`,
        threshold: oldestMessageAlarmSeconds[name],
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
      });
      ageWidgets.push(new cloudwatch.GraphWidget({ title: `${name}: age of oldest message (s)`, left: [age], width: 8 }));
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

    // Scheduler invokes the jobs asynchronously: a run that throws on every attempt is only seen
    // here (Errors) and in the on-failure queue (the event and the error, kept 14 days).
    const jobFailures = props.jobs.failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' });
    alarm('JobFailures', jobFailures, {
      alarmName: 'job-failures-not-empty',
      alarmDescription: 'A scheduled job (payouts, retention, approvals, ...) failed on every attempt: its event and error wait in the job-failures queue',
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    const jobWidgets: cloudwatch.IWidget[] = [new cloudwatch.GraphWidget({ title: 'Failed scheduled job runs (queue depth)', left: [jobFailures], width: 8 })];
    for (const [name, fn] of Object.entries(props.jobs.functions) as [FunctionName, lambda.IFunction][]) {
      const errors = fn.metricErrors({ period, statistic: 'Sum' });
      alarm(`${name}Errors`, errors, {
        alarmDescription: `${name} (scheduled jobs) threw; Lambda retries twice, then the run lands in the job-failures queue`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      jobWidgets.push(new cloudwatch.GraphWidget({ title: `${name}: errors`, left: [errors], width: 8 }));
    }

    const redirectErrors = props.redirect.metricErrors({ period, statistic: 'Sum' });
    const redirectThrottles = props.redirect.metricThrottles({ period, statistic: 'Sum' });
    alarm('RedirectErrors', redirectErrors, {
      alarmName: 'redirect-errors',
      alarmDescription: 'The redirect threw or timed out: shoppers got an error instead of the merchant',
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('RedirectThrottles', redirectThrottles, {
      alarmName: 'redirect-throttles',
      alarmDescription: 'The redirect was throttled (account or reserved concurrency): shoppers got 5xx',
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    const capacity = props.database.cluster.metricServerlessDatabaseCapacity({ period, statistic: 'Maximum' });
    alarm('DatabaseAtMaxCapacity', capacity, {
      alarmName: 'aurora-at-max-capacity',
      alarmDescription: `Aurora has run at its maximum of ${props.database.maxCapacity} ACU for 15 minutes: queries queue up; raise databaseMaxCapacity or lower consumerMaxConcurrency`,
      threshold: props.database.maxCapacity,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
    });

    const tableWidgets: cloudwatch.IWidget[] = [];
    for (const [name, table] of Object.entries(props.tables) as [TableName, dynamodb.ITable][]) {
      const reads = table.metric('ReadThrottleEvents', { period, statistic: 'Sum' });
      const writes = table.metric('WriteThrottleEvents', { period, statistic: 'Sum' });
      const throttles = new cloudwatch.MathExpression({
        expression: 'FILL(reads, 0) + FILL(writes, 0)',
        usingMetrics: { reads, writes },
        label: `${name}: throttled reads + writes`,
        period,
      });
      alarm(`${name}TableThrottles`, throttles, {
        alarmName: `dynamodb-${name}-throttles`,
        alarmDescription: `DynamoDB throttled requests on the ${name} table (a hot key, or a burst above twice the previous peak)`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      tableWidgets.push(new cloudwatch.GraphWidget({ title: `DynamoDB ${name}: throttle events`, left: [reads, writes], width: 8 }));
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

    // Business metrics (Powertools EMF, functions/ports/business-metrics.ts): one graph per name,
    // one line per dimension set (reason, source and outcome, currency), found by SEARCH because
    // the dimension values (currencies, reasons) are open-ended. Amounts are in minor units.
    const namespace = metricsNamespace(props.stage);
    const businessWidgets: cloudwatch.IWidget[] = businessMetricNames.map(
      (name) =>
        new cloudwatch.GraphWidget({
          title: `${name}${name.endsWith('Amount') ? ' (minor units, per currency)' : ''}`,
          left: [new cloudwatch.MathExpression({ expression: `SEARCH('Namespace="${namespace}" MetricName="${name}"', 'Sum', 300)`, label: name, period })],
          width: 8,
        }),
    );
    const everyFunction = Object.entries(
      props.functions ?? { redirect: props.redirect, ...props.consumers, ...props.jobs.functions },
    ).filter((entry): entry is [string, lambda.IFunction] => entry[1] !== undefined);
    const lambdaWidgets: cloudwatch.IWidget[] = [
      new cloudwatch.GraphWidget({ title: 'Lambda errors', left: everyFunction.map(([name, fn]) => fn.metricErrors({ period, statistic: 'Sum', label: name })), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Lambda throttles', left: everyFunction.map(([name, fn]) => fn.metricThrottles({ period, statistic: 'Sum', label: name })), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Lambda p99 duration (ms)', left: everyFunction.map(([name, fn]) => fn.metricDuration({ period, statistic: 'p99', label: name })), width: 8 }),
    ];
    const depthWidget = new cloudwatch.GraphWidget({
      title: 'Queue depth (visible messages)',
      left: (Object.keys(queues) as QueueName[]).map((name) =>
        props.queues[name].queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: name }),
      ),
      width: 8,
    });
    // CloudFront's metrics live in us-east-1 whatever the stack's region; its alarm is the edge alarms stack's.
    const cloudFront5xx = new cloudwatch.GraphWidget({
      title: 'CloudFront 5xx error rate (%)',
      left: [
        new cloudwatch.MathExpression({
          expression: `SEARCH('{AWS/CloudFront,DistributionId,Region} MetricName="5xxErrorRate"', 'Average', 300)`,
          label: '5xx %',
          period,
          searchRegion: 'us-east-1',
        }),
      ],
      width: 8,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.stage}-affiliate`,
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
        [new cloudwatch.TextWidget({ markdown: `## Business metrics (namespace \`${namespace}\`)`, width: 24, height: 1 })],
        businessWidgets,
        [new cloudwatch.TextWidget({ markdown: '## Platform', width: 24, height: 1 })],
        lambdaWidgets,
        [
          new cloudwatch.GraphWidget({ title: 'Redirect p99 duration (ms)', left: [redirectP99], width: 12 }),
          new cloudwatch.GraphWidget({ title: 'HTTP API requests and 5xx rate', left: [requests], right: [errorRate], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Redirect errors and throttles', left: [redirectErrors, redirectThrottles], width: 12 }),
          new cloudwatch.GraphWidget({ title: `Aurora capacity (ACU, max ${props.database.maxCapacity})`, left: [capacity], width: 12 }),
        ],
        dlqWidgets,
        [...ageWidgets.slice(0, 2), depthWidget, ...ageWidgets.slice(2)],
        [cloudFront5xx],
        consumerWidgets,
        jobWidgets,
        tableWidgets,
      ],
    });
  }
}
