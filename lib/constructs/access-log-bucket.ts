import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** The private bucket a distribution (and, for the web app, its asset bucket) writes access logs to, kept `retentionDays`. */
export function accessLogBucket(scope: Construct, retentionDays = 30): s3.Bucket {
  return new s3.Bucket(scope, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    // CloudFront standard logging (and S3 server access logging) write with ACLs.
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ expiration: Duration.days(retentionDays) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
