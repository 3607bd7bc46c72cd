/**
 * The web app on its own domain: the built single-page app in a private S3 bucket, read by
 * CloudFront through Origin Access Control, and the management API behind the same distribution
 * (`/v1/*`), so the session cookie is first-party and no CORS is needed. The app is built with
 * esbuild at synth (no Docker) and uploaded by a BucketDeployment.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Token, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { accessLogBucket } from '../constructs/access-log-bucket.js';
import { originVerifiedApiOrigin } from '../constructs/origin-verified-api-origin.js';
import { TRUE_CLIENT_IP_HEADER } from '../../functions/domain/clicks/read-viewer.js';
import { publicDistribution } from '../constructs/public-distribution.js';
import { buildWebAppSync, WEB_APP_CSP } from '../../web/build-web-app.js';

export interface WebAppStackProps extends StackProps {
  readonly stage: string;
  /** The HTTP API's host name (no scheme): `/v1/*` goes there. */
  readonly apiOriginHost: string;
  /** The origin-verify secret (as the edge stack sends it), so the API can trust viewer headers. */
  readonly originVerifySecretArn: string;
  readonly originVerifySecretVersionId?: string;
  /** The app's domain, e.g. `app.example.com`. @default CloudFront's `*.cloudfront.net` name */
  readonly domainName?: string;
  /** us-east-1 ACM certificate ARN covering `domainName`. Required with `domainName`. */
  readonly certificateArn?: string;
  /** Route 53 zone of `domainName`; when given, A/AAAA aliases are created. @default no DNS records */
  readonly hostedZone?: { hostedZoneId: string; zoneName: string };
  /** A directory holding an already built app (tests); @default built here with esbuild */
  readonly builtAppDir?: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
}

/**
 * Viewer-request function of the app's behaviour: `/` and `/app` go to `/app/`; an app route
 * (`/app/...` whose last segment has no file extension) is answered with `/app/index.html`, the
 * router reads the path. Hashed assets pass through unchanged.
 */
export const SPA_FALLBACK_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '/app') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/app/' } } };
  }
  if (uri.indexOf('/app/') === 0 && !/\\.[a-zA-Z0-9]+$/.test(uri.split('/').pop())) {
    request.uri = '/app/index.html';
  }
  return request;
}`;

/**
 * The viewer's address for the API behind this distribution: `/v1/*` forwards every viewer
 * header but Host (API Gateway needs its own), and no CloudFront policy adds
 * `CloudFront-Viewer-Address` to that set, so this viewer-request function writes the address as
 * `True-Client-IP` (replacing any the viewer sent). The API believes it only beside the
 * origin-verify secret (functions/domain/clicks/read-viewer.ts).
 */
export const TRUE_CLIENT_IP_FUNCTION = `function handler(event) {
  var request = event.request;
  request.headers['${TRUE_CLIENT_IP_HEADER}'] = { value: event.viewer.ip };
  return request;
}`;

export class WebAppStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<domain>`: the app is at `/app/`, sign-in links point here (APP_BASE_URL). */
  readonly appBaseUrl: string;

  constructor(scope: Construct, id: string, props: WebAppStackProps) {
    super(scope, id, props);
    if (props.domainName && !props.certificateArn) throw new Error('WebAppStack: domainName needs certificateArn');

    const logBucket = accessLogBucket(this, props.logRetentionDays);

    // Private: only this distribution reads it (OAC signs its requests), nobody writes but the deployment.
    this.bucket = new s3.Bucket(this, 'Assets', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'assets/',
      // Rebuilt from the repository at every deploy: nothing in it is the only copy.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `${props.stage}-affiliate-web-app-headers`,
      comment: 'The web app: strict CSP (no inline script or style), HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: WEB_APP_CSP, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const spaFallback = new cloudfront.Function(this, 'SpaFallback', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'App routes under /app/ are answered with /app/index.html',
      code: cloudfront.FunctionCode.fromInline(SPA_FALLBACK_FUNCTION),
    });

    const trueClientIp = new cloudfront.Function(this, 'TrueClientIp', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'The viewer address for the API: True-Client-IP from event.viewer.ip',
      code: cloudfront.FunctionCode.fromInline(TRUE_CLIENT_IP_FUNCTION),
    });

    const api = originVerifiedApiOrigin(props.apiOriginHost, { arn: props.originVerifySecretArn, versionId: props.originVerifySecretVersionId });

    this.distribution = publicDistribution(this, {
      comment: `${props.stage} web app and API`,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // The hashed assets are immutable; index.html is uploaded with no-cache (below).
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: spaFallback, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // The API, first-party: every method, nothing cached, the session cookie, the CSRF header
        // and Authorization passed on (every viewer header but Host, which API Gateway needs as its own).
        '/v1/*': {
          origin: api,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: true,
          functionAssociations: [{ function: trueClientIp, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
      },
      domainName: props.domainName,
      certificateArn: props.certificateArn,
      hostedZone: props.hostedZone,
      logBucket,
      reasons: {
        noGeoRestriction: 'Partners and vendors work from anywhere; access is by sign-in, not geography.',
        noWaf: 'WAF is an operator option (web ACL per account); sign-in is rate-limited by the API and API Gateway throttles.',
        domainLabel: 'an app domain',
        domainSetting: 'appDomain',
      },
    });

    const built = props.builtAppDir ?? buildWebAppSync({ outDir: mkdtempSync(join(tmpdir(), 'web-app-')), minify: true }).outDir;
    // Two uploads: the hashed assets cached for a year, index.html revalidated on every load so a
    // deploy is seen at once. `prune: false` on the assets keeps the previous hashes for pages
    // still open during a deploy.
    const assets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      sources: [s3deploy.Source.asset(built, { exclude: ['index.html'] })],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'app/',
      cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
      prune: false,
    });
    const index = new s3deploy.BucketDeployment(this, 'DeployIndex', {
      sources: [s3deploy.Source.asset(built, { exclude: ['*', '!index.html'] })],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'app/',
      // no-cache: CloudFront revalidates it on every request, so a deploy needs no invalidation
      // (and the deployment function no CloudFront permission on "*").
      cacheControl: [s3deploy.CacheControl.noCache()],
      prune: false,
    });
    index.node.addDependency(assets);
    // The deployment's function is one CDK singleton per stack, beside the deployments.
    const deployer = this.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!deployer) throw new Error('WebAppStack: the BucketDeployment function was not found');
    // The CDK asset bucket's ARN names the partition and region when the synth knows them (the CLI's region).
    const known = (value: string, placeholder: string) => (Token.isUnresolved(value) ? placeholder : value);
    const assetReason = 'CDK-owned BucketDeployment function: reads the CDK asset bucket and writes this stack\'s app bucket only, at deploy time.';
    Validations.of(deployer).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The CDK BucketDeployment function writes its logs with AWSLambdaBasicExecutionRole; it is CDK-owned and runs only at deploy time.',
      },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: assetReason },
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: assetReason },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: assetReason },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: assetReason },
      { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: assetReason },
      { id: `AwsSolutions-IAM5[Resource::arn:${known(this.partition, '<AWS::Partition>')}:s3:::cdk-hnb659fds-assets-${known(this.account, '<AWS::AccountId>')}-${known(this.region, '<AWS::Region>')}/*]`, reason: assetReason },
      { id: `AwsSolutions-IAM5[Resource::<${this.resolve((this.bucket.node.defaultChild as s3.CfnBucket).logicalId)}.Arn>/*]`, reason: assetReason },
      { id: 'AwsSolutions-L1', reason: 'The BucketDeployment function\'s runtime is chosen by CDK and moves with CDK upgrades.' },
    );

    this.appBaseUrl = `https://${props.domainName ?? this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'AppUrl', { value: `${this.appBaseUrl}/app/`, description: 'The web app' });
    new CfnOutput(this, 'AppCloudFrontDomain', { value: this.distribution.distributionDomainName, description: 'Point the app domain (CNAME/alias) here' });
  }
}
