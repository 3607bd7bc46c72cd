import { Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface PublicDistributionProps {
  readonly comment: string;
  readonly defaultBehavior: cloudfront.BehaviorOptions;
  readonly additionalBehaviors: Record<string, cloudfront.BehaviorOptions>;
  /** The custom domain. @default CloudFront's `*.cloudfront.net` name */
  readonly domainName?: string;
  /** us-east-1 ACM certificate ARN covering `domainName`. */
  readonly certificateArn?: string;
  /** Route 53 zone of `domainName`; when given, A/AAAA aliases are created. */
  readonly hostedZone?: { hostedZoneId: string; zoneName: string };
  readonly logBucket: s3.IBucket;
  /** Why this distribution has no geo restriction (cdk-nag AwsSolutions-CFR1), no WAF (CFR2), and which setting gives it a domain (CFR4). */
  readonly reasons: { noGeoRestriction: string; noWaf: string; domainSetting: string; domainLabel: string };
}

/**
 * A distribution served worldwide on its own domain (or CloudFront's), HTTP/2 and 3, logged to
 * `logBucket`, TLS 1.2 pinned when it has a certificate, with its A/AAAA aliases in Route 53.
 */
export function publicDistribution(scope: Construct, props: PublicDistributionProps): cloudfront.Distribution {
  const distribution = new cloudfront.Distribution(scope, 'Distribution', {
    comment: props.comment,
    defaultBehavior: props.defaultBehavior,
    additionalBehaviors: props.additionalBehaviors,
    domainNames: props.domainName ? [props.domainName] : undefined,
    certificate: props.certificateArn ? acm.Certificate.fromCertificateArn(scope, 'Certificate', props.certificateArn) : undefined,
    // Only meaningful with a custom certificate; the default one is fixed by CloudFront.
    minimumProtocolVersion: props.certificateArn ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    enableLogging: true,
    logBucket: props.logBucket,
    logFilePrefix: 'cloudfront/',
  });
  Validations.of(distribution).acknowledge(
    { id: 'AwsSolutions-CFR1', reason: props.reasons.noGeoRestriction },
    { id: 'AwsSolutions-CFR2', reason: props.reasons.noWaf },
    ...(props.domainName
      ? []
      : [
          {
            id: 'AwsSolutions-CFR4',
            reason: `Without ${props.reasons.domainLabel} the distribution uses the default *.cloudfront.net certificate, which cannot pin TLS 1.2; set ${props.reasons.domainSetting} for production.`,
          },
        ]),
  );
  if (props.domainName && props.hostedZone) {
    const zone = route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', props.hostedZone);
    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(distribution));
    new route53.ARecord(scope, 'AliasA', { zone, recordName: props.domainName, target });
    new route53.AaaaRecord(scope, 'AliasAaaa', { zone, recordName: props.domainName, target });
  }
  return distribution;
}
