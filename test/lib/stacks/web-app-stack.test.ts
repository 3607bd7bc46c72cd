/**
 * The web app's hosting: a private bucket read only through Origin Access Control, the API on the
 * same distribution (every method, nothing cached, cookies and headers passed), the CSP on every
 * answer, app routes falling back to index.html, and the built app uploaded by the deployment.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { SPA_FALLBACK_FUNCTION, TRUE_CLIENT_IP_FUNCTION } from '../../../lib/stacks/web-app-stack.js';
import { WEB_APP_CSP } from '../../../web/build-web-app.js';
import { synthPlatform, type CfnJson } from '../../support/fixtures/cdk-platform.js';

const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const cachingOptimized = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const allViewerExceptHost = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const platform = synthPlatform();
const template = platform.templates.webApp;

function distributionConfig(): CfnJson {
  const distributions = Object.values(template.findResources('AWS::CloudFront::Distribution'));
  expect(distributions).toHaveLength(1);
  return distributions[0]!.Properties.DistributionConfig;
}

function assetsBucket(): [string, CfnJson] {
  const buckets = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) => id.startsWith('Assets'));
  expect(buckets).toHaveLength(1);
  return buckets[0]! as [string, CfnJson];
}

/** Runs the CloudFront Function's code as CloudFront would, on one viewer request. */
function viewerRequest(uri: string): { uri?: string; statusCode?: number; headers?: Record<string, { value: string }> } {
  return runInNewContext(`${SPA_FALLBACK_FUNCTION}; handler(event)`, { event: { request: { uri, method: 'GET', headers: {} } } });
}

describe('web app stack', () => {
  it('keeps the assets bucket private: all public access blocked, TLS only, no ACLs', () => {
    const [logicalId, bucket] = assetsBucket();
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter((policy) => JSON.stringify(policy.Properties.Bucket).includes(logicalId));
    const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as CfnJson[]);
    // The only reader: CloudFront, for this distribution (OAC's SourceArn condition).
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' });
    expect(JSON.stringify(allows[0]!.Condition)).toContain('AWS:SourceArn');
    expect(statements.some((statement) => statement.Effect === 'Deny' && JSON.stringify(statement.Condition).includes('aws:SecureTransport'))).toBe(true);
  });

  it('reads the bucket through Origin Access Control (signed requests), not a public website', () => {
    const controls = Object.values(template.findResources('AWS::CloudFront::OriginAccessControl'));
    expect(controls).toHaveLength(1);
    expect(controls[0]!.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const s3Origin = (distributionConfig().Origins as CfnJson[]).find((origin) => origin.S3OriginConfig);
    expect(s3Origin?.OriginAccessControlId).toBeDefined();
    expect(s3Origin?.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
  });

  it('serves /v1/* from the API: every method, nothing cached, all viewer headers but Host (cookie, X-CSRF-Token)', () => {
    const config = distributionConfig();
    const api = (config.CacheBehaviors as CfnJson[]).find((behaviour) => behaviour.PathPattern === '/v1/*');
    expect(api).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: cachingDisabled,
      OriginRequestPolicyId: allViewerExceptHost,
      ViewerProtocolPolicy: 'https-only',
    });
    const apiOrigin = (config.Origins as CfnJson[]).find((origin) => origin.Id === api!.TargetOriginId);
    expect(apiOrigin).toMatchObject({ CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] } });
    expect(apiOrigin!.OriginCustomHeaders.map((header: CfnJson) => header.HeaderName)).toEqual(['x-origin-verify']);
  });

  it('gives the API the viewer address: a viewer-request function on /v1/* writes True-Client-IP, replacing what the viewer sent', () => {
    const api = (distributionConfig().CacheBehaviors as CfnJson[]).find((behaviour) => behaviour.PathPattern === '/v1/*');
    const associations = api!.FunctionAssociations as CfnJson[];
    expect(associations).toHaveLength(1);
    expect(associations[0]!.EventType).toBe('viewer-request');
    const functions = template.findResources('AWS::CloudFront::Function');
    const associated = functions[associations[0]!.FunctionARN['Fn::GetAtt'][0]]!;
    expect(associated.Properties.FunctionCode).toBe(TRUE_CLIENT_IP_FUNCTION);
    // The documented event structure (events/cloudfront/README.md), a viewer that sent its own header.
    const event = JSON.parse(readFileSync(new URL('../../../events/cloudfront/viewer-request-api.json', import.meta.url), 'utf8'));
    const { headers: before, ...unchanged } = structuredClone(event.request);
    expect(before['true-client-ip']).toEqual({ value: '203.0.113.66' });
    const request = runInNewContext(`${TRUE_CLIENT_IP_FUNCTION}; handler(event)`, { event });
    expect(request.headers['true-client-ip']).toEqual({ value: '2001:db8:85a3::8a2e:370:7334' });
    // Everything else passes through as the viewer sent it.
    const { 'true-client-ip': _replaced, ...otherHeaders } = request.headers;
    const { 'true-client-ip': _sent, ...otherBefore } = before;
    expect(otherHeaders).toEqual(otherBefore);
    expect({ ...request, headers: undefined }).toEqual({ ...unchanged, headers: undefined });
  });

  it('answers the app with the strict CSP, HSTS, nosniff, no framing and no referrer', () => {
    const config = distributionConfig();
    expect(config.DefaultCacheBehavior).toMatchObject({ CachePolicyId: cachingOptimized, AllowedMethods: ['GET', 'HEAD'], ViewerProtocolPolicy: 'redirect-to-https' });
    const policies = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    expect(policies).toHaveLength(1);
    const headers = policies[0]!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.ContentSecurityPolicy).toEqual({ ContentSecurityPolicy: WEB_APP_CSP, Override: true });
    expect(WEB_APP_CSP).toContain("script-src 'self'");
    expect(WEB_APP_CSP).not.toContain('unsafe-inline');
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
  });

  it('falls back to index.html for app routes, never for assets, and sends / to /app/', () => {
    expect(distributionConfig().DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
    expect(viewerRequest('/app/partner/links').uri).toBe('/app/index.html');
    expect(viewerRequest('/app/vendor/campaigns/12').uri).toBe('/app/index.html');
    expect(viewerRequest('/app/').uri).toBe('/app/index.html');
    expect(viewerRequest('/app/app-3CHFVQJO.js').uri).toBe('/app/app-3CHFVQJO.js');
    expect(viewerRequest('/app/app-ICJORPAC.css').uri).toBe('/app/app-ICJORPAC.css');
    expect(viewerRequest('/')).toMatchObject({ statusCode: 301, headers: { location: { value: '/app/' } } });
    expect(viewerRequest('/app')).toMatchObject({ statusCode: 301 });
  });

  it('uploads the built app under app/: assets immutable, index.html revalidated', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')).map((resource) => resource.Properties as CfnJson);
    expect(deployments).toHaveLength(2);
    expect(deployments.map((deployment) => deployment.DestinationBucketKeyPrefix)).toEqual(['app/', 'app/']);
    const systemMetadata = deployments.map((deployment) => deployment.SystemMetadata['cache-control']).sort();
    expect(systemMetadata).toEqual(['no-cache', 'public, max-age=31536000, immutable']);
  });

  it('puts the app on its own domain when the stage names one', () => {
    const withDomain = synthPlatform({
      appDomain: 'app.example.com',
      appCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
    }).templates.webApp;
    const config = Object.values(withDomain.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    expect(config.Aliases).toEqual(['app.example.com']);
    expect(config.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
  });
});
