import { describe, expect, it } from 'vitest';
import { synthPlatform, type CfnJson } from '../../support/fixtures/cdk-platform.js';

// One synthesis with every optional domain setting, for the edge and API stacks.
const { templates } = synthPlatform({
  shortLinkDomain: 'go.example.com',
  shortLinkCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  apiDomain: 'api.example.com',
  apiCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000',
  hostedZoneId: 'Z0123456789ABC',
  hostedZoneName: 'example.com',
});

describe('custom domains', () => {
  it('serves the short-link domain on CloudFront with its certificate, TLS 1.2 and Route 53 aliases', () => {
    const distribution = Object.values(templates.edge.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig as CfnJson;
    expect(distribution.Aliases).toEqual(['go.example.com']);
    expect(distribution.ViewerCertificate).toMatchObject({
      AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    templates.edge.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'go.example.com.', HostedZoneId: 'Z0123456789ABC' }, 2);
    templates.edge.hasOutput('ShortLinkDomain', { Value: 'go.example.com' });
    templates.edge.hasOutput('EdgeWebhookUrlPattern', { Value: 'https://go.example.com/webhooks/{provider}/{integration_id}' });
  });

  it('maps the API domain to the default stage and aliases it in Route 53', () => {
    templates.api.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'api.example.com' });
    templates.api.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    templates.api.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'api.example.com.', Type: 'A', HostedZoneId: 'Z0123456789ABC' });
    templates.api.hasOutput('ApiUrl', { Value: 'https://api.example.com' });
  });

  it('disables the default execute-api endpoint and sends CloudFront to the API domain instead, with the origin secret', () => {
    templates.api.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    const distribution = Object.values(templates.edge.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig as CfnJson;
    expect(distribution.Origins).toHaveLength(1);
    expect(distribution.Origins[0]).toMatchObject({ DomainName: 'api.example.com', OriginCustomHeaders: [expect.objectContaining({ HeaderName: 'x-origin-verify' })] });
  });

  it('builds short links on the short-link domain in every function', () => {
    for (const template of [templates.api, templates.workers]) {
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        expect(fn.Properties.Environment.Variables.PUBLIC_BASE_URL).toBe('https://go.example.com');
      }
    }
  });
});
