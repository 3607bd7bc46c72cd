import type * as logs from 'aws-cdk-lib/aws-logs';

/**
 * The stage configuration's retention in days as CloudWatch's enum. The enum's values are the
 * day counts, and lib/stage-config.ts only accepts the counts CloudWatch allows.
 */
export function logRetention(days: number): logs.RetentionDays {
  return days as logs.RetentionDays;
}
