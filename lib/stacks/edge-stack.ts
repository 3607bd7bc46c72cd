/**
 * CloudFront on the short-link domain, in front of the routes lib/resources.ts marks `edge`
 * (the redirect and the inbound webhooks). Nothing is cached: every click must reach the redirect
 * to be counted, and every webhook must reach its handler. The management API is not served here.
 */
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { accessLogBucket } from '../constructs/access-log-bucket.js';
import { originVerifiedApiOrigin } from '../constructs/origin-verified-api-origin.js';
import { publicDistribution } from '../constructs/public-distribution.js';
import { routes, type RouteDeclaration } from '../resources.js';

export interface EdgeStackProps extends StackProps {
  readonly stage: string;
  /** The HTTP API's host name (no scheme): its custom domain, or the execute-api name. */
  readonly originHost: string;
  /**
   * ARN of the origin-verify secret: CloudFront sends its value as `x-origin-verify` on every
   * origin request (a dynamic reference, resolved at deploy time, never in the template).
   */
  readonly originVerifySecretArn: string;
  /** The secret version to send (set when rotating). @default the version current at deploy time */
  readonly originVerifySecretVersionId?: string;
  /** Custom short-link domain, e.g. `go.example.com`. @default CloudFront's `*.cloudfront.net` name */
  readonly domainName?: string;
  /** us-east-1 ACM certificate ARN covering `domainName`. Required with `domainName`. */
  readonly certificateArn?: string;
  /** Route 53 zone of `domainName`; when given, A/AAAA aliases are created. @default no DNS records */
  readonly hostedZone?: { hostedZoneId: string; zoneName: string };
  /** @default 30 */
  readonly logRetentionDays?: number;
}

/** What the redirect reads from the request besides the path. */
export const redirectForwarded = {
  headers: ['User-Agent', 'Referer', 'CloudFront-Viewer-Country', 'CloudFront-Viewer-Address'],
  /** The tracking cookie linking one browser's clicks into a journey. */
  cookies: ['aff_cid'],
} as const;

/** A route path as a CloudFront path pattern: `{param}` and `{proxy+}` become `*`. */
export function pathPattern(path: string): string {
  return path.replace(/\{[^}]+\}/g, '*');
}

export class EdgeStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  /** The short-link domain: the custom one, or the distribution's own. */
  readonly shortLinkDomain: string;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    if (props.domainName && !props.certificateArn) throw new Error('EdgeStack: domainName needs certificateArn');

    const origin = originVerifiedApiOrigin(props.originHost, { arn: props.originVerifySecretArn, versionId: props.originVerifySecretVersionId });
    const redirectRequests = new cloudfront.OriginRequestPolicy(this, 'RedirectRequests', {
      originRequestPolicyName: `${props.stage}-affiliate-redirect`,
      comment: 'What the redirect needs: visitor country and address, user agent, referrer, the tracking cookie, all query strings',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(...redirectForwarded.headers),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.allowList(...redirectForwarded.cookies),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
    });
    // Requests for non-edge routes (the management API) end here instead of reaching the API.
    const notServedHere = new cloudfront.Function(this, 'NotServedHere', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'The management API is not served on the short-link domain',
      code: cloudfront.FunctionCode.fromInline(
        "function handler(event) { return { statusCode: 404, statusDescription: 'Not Found' }; }",
      ),
    });

    // Security headers on everything CloudFront serves. CORS is left alone: the tracking script
    // and the beacon set their own Access-Control-* headers (per origin, with credentials), which
    // a policy would overwrite. The redirect's own Referrer-Policy (what the merchant sees of the
    // short link) wins over the default here; the other headers are ours to set everywhere.
    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `${props.stage}-affiliate-security-headers`,
      comment: 'HSTS, nosniff, frame-options, referrer-policy; CORS stays with the handlers',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: false },
      },
    });

    const behaviorFor = (group: RouteDeclaration[]): cloudfront.BehaviorOptions => {
      const readOnly = group.every((route) => route.method === 'GET' || route.method === 'HEAD');
      const redirect = group.every((route) => route.function === 'redirect');
      // The tracking script is the one cacheable answer: CloudFront keeps it as long as its own
      // Cache-Control says (a year for the versioned file) and compresses it.
      const script = group.every((route) => route.function === 'trackingScript');
      return {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: readOnly ? cloudfront.AllowedMethods.ALLOW_GET_HEAD : cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: script ? cloudfront.CachePolicy.CACHING_OPTIMIZED : cloudfront.CachePolicy.CACHING_DISABLED,
        // Webhook signatures need every provider header; the Host header would break API Gateway.
        originRequestPolicy: redirect ? redirectRequests : cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: script,
        responseHeadersPolicy: securityHeaders,
      };
    };
    const groups = new Map<string, RouteDeclaration[]>();
    for (const route of routes) {
      const pattern = pathPattern(route.path);
      groups.set(pattern, [...(groups.get(pattern) ?? []), route]);
    }
    let defaultBehavior: cloudfront.BehaviorOptions | undefined;
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    for (const [pattern, group] of groups) {
      const edge = group.filter((route) => route.edge);
      if (pattern === '/*') {
        defaultBehavior = behaviorFor(edge);
      } else if (edge.length === 0) {
        additionalBehaviors[pattern] = {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: securityHeaders,
          functionAssociations: [{ function: notServedHere, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        };
      } else {
        additionalBehaviors[pattern] = behaviorFor(edge);
      }
    }
    if (!defaultBehavior) throw new Error('EdgeStack: no catch-all edge route (/{short_code}) in lib/resources.ts');

    const logBucket = accessLogBucket(this, props.logRetentionDays);
    Validations.of(logBucket).acknowledge(
      { id: 'AwsSolutions-S1', reason: 'This bucket holds the CloudFront access logs; logging it into itself would recurse.' },
    );

    this.distribution = publicDistribution(this, {
      comment: `${props.stage} short links and webhooks`,
      defaultBehavior,
      additionalBehaviors,
      domainName: props.domainName,
      certificateArn: props.certificateArn,
      hostedZone: props.hostedZone,
      logBucket,
      reasons: {
        noGeoRestriction: 'Short links are followed worldwide; vendors restrict audiences in their campaigns, not by geography.',
        noWaf: 'WAF is an operator option (web ACL per account); the redirect already throttles via API Gateway and ignores bots.',
        domainLabel: 'a short-link domain',
        domainSetting: 'shortLinkDomain',
      },
    });

    this.shortLinkDomain = props.domainName ?? this.distribution.distributionDomainName;
    new CfnOutput(this, 'ShortLinkDomain', { value: this.shortLinkDomain, description: 'Short links: https://<this>/<short_code>' });
    new CfnOutput(this, 'CloudFrontDomain', { value: this.distribution.distributionDomainName, description: 'Point the short-link domain (CNAME/alias) here' });
    new CfnOutput(this, 'EdgeWebhookUrlPattern', {
      value: `https://${this.shortLinkDomain}/webhooks/{provider}/{integration_id}`,
      description: 'Inbound webhook URL on the short-link domain',
    });
  }
}
