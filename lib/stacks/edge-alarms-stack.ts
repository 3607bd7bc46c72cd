/**
 * The CloudFront alarm, in us-east-1: CloudFront publishes its metrics there only, and an alarm
 * can only watch metrics of its own region (and notify a topic of its own region). So this small
 * stack holds its own encrypted topic, with the same operator email subscribed, and the 5xx-rate
 * alarm on the edge stack's distribution (its id crosses regions through CDK's cross-region
 * references, which need the account and region known at synth).
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** Where CloudFront's metrics live, whatever region the distribution's stack is deployed from. */
export const cloudFrontMetricsRegion = 'us-east-1';

export interface EdgeAlarmsStackProps extends StackProps {
  readonly stage: string;
  readonly alarmEmail: string;
  readonly distributionId: string;
  /** Percentage of viewer requests answered 5xx that raises the alarm. @default 1 */
  readonly cloudFront5xxPercent?: number;
}

export class EdgeAlarmsStack extends Stack {
  readonly topic: sns.Topic;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EdgeAlarmsStackProps) {
    super(scope, id, props);
    // CloudWatch cannot publish to a topic under the AWS-managed SNS key; it may use this one.
    const key = new kms.Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: `${props.stage} CloudFront alarm topic encryption` });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Alarms', {
      topicName: `${props.stage}-affiliate-edge-alarms`,
      displayName: `Affiliate platform (${props.stage}) CloudFront alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const threshold = props.cloudFront5xxPercent ?? 1;
    this.alarm = new cloudwatch.Alarm(this, 'CloudFront5xxRate', {
      alarmName: `${props.stage}-cloudfront-5xx-rate`,
      alarmDescription: `More than ${threshold}% of short-link and webhook requests answered 5xx at CloudFront (origin errors or unreachable origin)`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/CloudFront',
        metricName: '5xxErrorRate',
        dimensionsMap: { DistributionId: props.distributionId, Region: 'Global' },
        statistic: 'Average',
        period: Duration.minutes(5),
      }),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const notify = new actions.SnsAction(this.topic);
    this.alarm.addAlarmAction(notify);
    this.alarm.addOkAction(notify);
  }
}
