import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routes } from '../../../lib/resources.js';
import { pathPattern, redirectForwarded } from '../../../lib/stacks/edge-stack.js';
import { synthPlatform, type CfnJson } from '../../support/fixtures/cdk-platform.js';

const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const allViewerExceptHost = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const cachingOptimized = '658327ea-f89d-4fab-a63d-7e88639e58f6';

const plain = synthPlatform().templates.edge;

function distributionConfig(template: typeof plain): CfnJson {
  const distributions = Object.values(template.findResources('AWS::CloudFront::Distribution'));
  expect(distributions).toHaveLength(1);
  return distributions[0]!.Properties.DistributionConfig;
}

describe('edge stack', () => {
  it('sends the short-code catch-all (GET/HEAD) to the redirect without caching', () => {
    const config = distributionConfig(plain);
    expect(config.DefaultCacheBehavior).toMatchObject({
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: cachingDisabled,
      ViewerProtocolPolicy: 'redirect-to-https',
      OriginRequestPolicyId: { Ref: expect.stringMatching(/^RedirectRequests/) },
    });
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0]).toMatchObject({ CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] } });
  });

  it('has a behaviour per edge route pattern, uncached, and blocks the management API', () => {
    const config = distributionConfig(plain);
    const behaviours = Object.fromEntries((config.CacheBehaviors as CfnJson[]).map((behaviour) => [behaviour.PathPattern, behaviour]));
    for (const route of routes.filter((r) => r.edge && pathPattern(r.path) !== '/*' && r.function !== 'trackingScript')) {
      expect(behaviours[pathPattern(route.path)]).toMatchObject({
        // A read-only path (the beacon's pixel) allows GET and HEAD only.
        AllowedMethods: expect.arrayContaining(route.method === 'GET' || route.method === 'HEAD' ? ['GET', 'HEAD'] : ['POST']),
        CachePolicyId: cachingDisabled,
        OriginRequestPolicyId: allViewerExceptHost,
      });
    }
    for (const route of routes.filter((r) => !r.edge)) {
      expect(behaviours[pathPattern(route.path)]).toMatchObject({
        FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [expect.stringMatching(/^NotServedHere/), 'FunctionARN'] } }],
      });
    }
    expect(Object.keys(behaviours).sort()).toEqual([...new Set(routes.map((r) => pathPattern(r.path)).filter((p) => p !== '/*'))].sort());
  });

  it("serves the funnel beacon on the short-link domain: the pixel read-only, sendBeacon's POST and its preflight, viewer cookies and query passed on", () => {
    const behaviours = Object.fromEntries((distributionConfig(plain).CacheBehaviors as CfnJson[]).map((behaviour) => [behaviour.PathPattern, behaviour]));
    expect(behaviours['/e.gif']).toMatchObject({ AllowedMethods: ['GET', 'HEAD'], CachePolicyId: cachingDisabled, OriginRequestPolicyId: allViewerExceptHost });
    expect(behaviours['/e']).toMatchObject({ AllowedMethods: expect.arrayContaining(['POST', 'OPTIONS']), CachePolicyId: cachingDisabled, OriginRequestPolicyId: allViewerExceptHost });
  });

  it('caches and compresses the tracking script as its own Cache-Control says (GET and HEAD only)', () => {
    const config = distributionConfig(plain);
    const script = (config.CacheBehaviors as CfnJson[]).find((behaviour) => behaviour.PathPattern === '/js/*');
    expect(script).toMatchObject({ AllowedMethods: ['GET', 'HEAD'], CachePolicyId: cachingOptimized, Compress: true, ViewerProtocolPolicy: 'redirect-to-https' });
  });

  it('forwards to the redirect what it reads: user agent, referrer, country, viewer address, the tracking cookie, query strings', () => {
    plain.hasResourceProperties('AWS::CloudFront::OriginRequestPolicy', {
      OriginRequestPolicyConfig: {
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: [...redirectForwarded.headers] },
        CookiesConfig: { CookieBehavior: 'whitelist', Cookies: ['aff_cid'] },
        QueryStringsConfig: { QueryStringBehavior: 'all' },
      },
    });
  });

  it('adds the origin-verify secret to every origin request, by dynamic reference to the API stack secret (never its value)', () => {
    const origins = distributionConfig(plain).Origins as CfnJson[];
    expect(origins).toHaveLength(1);
    const headers = origins[0]!.OriginCustomHeaders as CfnJson[];
    expect(headers).toHaveLength(1);
    expect(headers[0]!.HeaderName).toBe('x-origin-verify');
    const [, [prefix, arn, suffix]] = headers[0]!.HeaderValue['Fn::Join'];
    expect(prefix).toBe('{{resolve:secretsmanager:');
    expect(arn['Fn::ImportValue']).toMatch(/OriginVerifySecret/);
    // No version pinned: the version current at deploy time.
    expect(suffix).toBe(':SecretString:::}}');
  });

  it('pins the secret version given when rotating, so the deploy changes the header CloudFront sends', () => {
    const rotated = synthPlatform({ originVerifySecretVersionId: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890' }).templates.edge;
    const header = (distributionConfig(rotated).Origins as CfnJson[])[0]!.OriginCustomHeaders[0];
    expect(header.HeaderValue['Fn::Join'][1][2]).toBe(':SecretString:::a1b2c3d4-e5f6-7890-abcd-ef1234567890}}');
  });

  it('logs to an encrypted, private bucket', () => {
    expect(distributionConfig(plain).Logging).toMatchObject({ Bucket: { 'Fn::GetAtt': [expect.stringMatching(/^AccessLogs/), 'RegionalDomainName'] } });
    plain.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
  });

  it('uses the CloudFront domain when no short-link domain is configured', () => {
    expect(distributionConfig(plain).Aliases).toBeUndefined();
    plain.hasOutput('CloudFrontDomain', {});
    plain.hasOutput('ShortLinkDomain', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Distribution'), 'DomainName'] } });
  });
});

describe('edge stack: security headers', () => {
  const policies = Object.entries(plain.findResources('AWS::CloudFront::ResponseHeadersPolicy'));

  it('adds HSTS, nosniff, frame-options and a referrer policy, and leaves CORS to the handlers', () => {
    expect(policies).toHaveLength(1);
    const policy = policies[0]![1].Properties.ResponseHeadersPolicyConfig as CfnJson;
    expect(policy.SecurityHeadersConfig).toEqual({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 730 * 86_400, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      // The redirect sets its own; CloudFront adds this one only where a handler did not.
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: false },
    });
    // The tracking script (`Access-Control-Allow-Origin: *`) and the beacon (per-origin, with
    // credentials) set their CORS headers themselves: a CORS config here would overwrite them.
    expect(policy.CorsConfig).toBeUndefined();
    expect(policy.CustomHeadersConfig).toBeUndefined();
    expect(policy.RemoveHeadersConfig).toBeUndefined();
  });

  it('applies to every behaviour: the redirect, the script, the beacon, the webhooks and the blocked paths', () => {
    const config = distributionConfig(plain);
    const policyRef = { Ref: policies[0]![0] };
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyRef);
    for (const behaviour of config.CacheBehaviors as CfnJson[]) {
      expect(behaviour.ResponseHeadersPolicyId, behaviour.PathPattern).toEqual(policyRef);
    }
  });
});
