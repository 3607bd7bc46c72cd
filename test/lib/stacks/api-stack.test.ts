import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { envVars, routes, tables, queues, functions } from '../../../lib/resources.js';
import { functionNamed, grants, statementsOfRole, synthPlatform } from '../../support/fixtures/cdk-platform.js';

const { config, templates } = synthPlatform();
const api = templates.api;

describe('api stack', () => {
  it('declares every route of lib/resources.ts exactly once, on the function it names', () => {
    const declared = api.findResources('AWS::ApiGatewayV2::Route');
    const routeKeys = Object.values(declared).map((route) => route.Properties.RouteKey as string);
    expect(routeKeys.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of routes) {
      api.resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { RouteKey: `${route.method} ${route.path}` }, 1);
    }
    // One Lambda proxy integration per function, payload v2.
    const integrations = Object.values(api.findResources('AWS::ApiGatewayV2::Integration'));
    expect(integrations).toHaveLength(new Set(routes.map((route) => route.function)).size);
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    }
  });

  it('throttles and logs the default stage', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: config.apiRateLimit, ThrottlingBurstLimit: config.apiBurstLimit },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'Arn'] }, Format: Match.stringLikeRegexp('\\$context.requestId') },
    });
    api.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: config.retention.logsDays });
  });

  it("grants the redirect exactly GetItem on links, PutItem and UpdateItem (velocity counter) on clicks, SendMessage on the clicks queue, GetSecretValue on the origin-verify secret, its logs and X-Ray", () => {
    const redirect = functionNamed(api, `${config.stage}-redirect`);
    expect(grants(statementsOfRole(api, redirect.roleLogicalId))).toEqual(
      [
        'dynamodb:GetItem on linksTable',
        'dynamodb:PutItem on clicksTable',
        'dynamodb:UpdateItem on clicksTable',
        'secretsmanager:GetSecretValue on OriginVerifySecret',
        'sqs:SendMessage on clicksQueue',
        'logs:CreateLogStream on redirectLogs',
        'logs:PutLogEvents on redirectLogs',
        'xray:PutTelemetryRecords on *',
        'xray:PutTraceSegments on *',
      ].sort(),
    );
    // No managed policies (AWSLambdaBasicExecutionRole would allow logs:* on every group).
    api.hasResource('AWS::IAM::Role', { Properties: Match.objectLike({ ManagedPolicyArns: Match.absent() }) });
    const role = api.findResources('AWS::IAM::Role')[redirect.roleLogicalId];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('grants the beacon only reads of clicks (one item, the cookie index), SendMessage on the conversions queue, and no database', () => {
    const beacon = functionNamed(api, `${config.stage}-beacon`);
    expect(grants(statementsOfRole(api, beacon.roleLogicalId))).toEqual(
      [
        'dynamodb:GetItem on clicksTable',
        'dynamodb:Query on clicksTable',
        'dynamodb:GetItem on clicksTable/index/by_cookie',
        'dynamodb:Query on clicksTable/index/by_cookie',
        'sqs:SendMessage on conversionsQueue',
        'logs:CreateLogStream on beaconLogs',
        'logs:PutLogEvents on beaconLogs',
        'xray:PutTelemetryRecords on *',
        'xray:PutTraceSegments on *',
      ].sort(),
    );
    expect(Object.keys(functionNamed(api, `${config.stage}-beacon`).properties.Environment.Variables).sort()).toEqual(
      ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', envVars.publicBaseUrl, envVars.repeatClickWindowSeconds, tables.clicks.envVar, queues.conversions.envVar].sort(),
    );
    for (const key of ['GET /e.gif', 'POST /e', 'OPTIONS /e']) api.resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { RouteKey: key }, 1);
  });

  it('hands the redirect its table and queue names, its velocity limits and the origin-verify secret ARN (never the value), and no database', () => {
    const { properties } = functionNamed(api, `${config.stage}-redirect`);
    const variables = Object.keys(properties.Environment.Variables).sort();
    expect(variables).toEqual(
      [
        'NODE_OPTIONS',
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_METRICS_NAMESPACE',
        envVars.publicBaseUrl,
        envVars.repeatClickWindowSeconds,
        envVars.originVerifySecretId,
        envVars.originVerifyGraceSeconds,
        envVars.velocityMaxClicksPerVisitorPerLink,
        envVars.velocityMaxClicksPerIpPerLink,
        tables.links.envVar,
        tables.clicks.envVar,
        queues.clicks.envVar,
      ].sort(),
    );
    expect(properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: functions.redirect.timeoutSeconds,
      MemorySize: functions.redirect.memoryMb,
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          [envVars.repeatClickWindowSeconds]: String(config.repeatClickWindowSeconds),
          [envVars.originVerifySecretId]: { Ref: expect.stringMatching(/^OriginVerifySecret/) },
          [envVars.originVerifyGraceSeconds]: '86400',
          [envVars.velocityMaxClicksPerVisitorPerLink]: '10',
          [envVars.velocityMaxClicksPerIpPerLink]: '300',
        },
      },
    });
    // The secret is generated by Secrets Manager; its value is in no template.
    api.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `${config.stage}/affiliate/origin-verify`,
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    });
    expect(JSON.stringify(properties.Environment.Variables)).not.toContain('resolve:secretsmanager');
  });

  it('keeps the execute-api endpoint without a custom API domain (it is the only address), CloudFront forwarding to it', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: false });
  });

  it('gives the management API the operator token, payout credentials and origin-verify secret as secret ARNs (read at run time), GetSecretValue on exactly those', () => {
    const managementApi = functionNamed(api, `${config.stage}-managementApi`);
    const variables = managementApi.properties.Environment.Variables as Record<string, unknown>;
    expect(variables[envVars.adminTokenSecretId]).toEqual({ Ref: expect.stringMatching(/^AdminToken/) });
    expect(variables[envVars.adminTokenGraceSeconds]).toBe('900');
    expect(variables[envVars.stripePayoutSecretId]).toEqual({ Ref: expect.stringMatching(/^StripePayoutSecret/) });
    expect(variables[envVars.paypalPayoutSecretId]).toEqual({ Ref: expect.stringMatching(/^PayPalPayoutSecret/) });
    // The web app reaches the API through CloudFront: the viewer's address is believed beside this secret only.
    expect(variables[envVars.originVerifySecretId]).toEqual({ Ref: expect.stringMatching(/^OriginVerifySecret/) });
    expect(variables[envVars.originVerifyGraceSeconds]).toBe('86400');
    expect(Object.keys(variables)).not.toContain(envVars.adminToken);
    for (const name of ['STRIPE_SECRET_KEY', 'PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET']) expect(Object.keys(variables)).not.toContain(name);
    // Its database role's secret (the Data API's credentials) aside.
    const secretGrants = grants(statementsOfRole(api, managementApi.roleLogicalId)).filter((grant) => grant.startsWith('secretsmanager:') && !grant.includes('DatabaseRole'));
    expect(secretGrants.sort()).toEqual(
      [
        'secretsmanager:GetSecretValue on AdminToken',
        'secretsmanager:GetSecretValue on OriginVerifySecret',
        'secretsmanager:GetSecretValue on PayPalPayoutSecret',
        'secretsmanager:GetSecretValue on StripePayoutSecret',
      ].sort(),
    );
    // The operator token is generated by Secrets Manager; the payout secrets start as the placeholder `{}` (provider off).
    api.hasResourceProperties('AWS::SecretsManager::Secret', { Name: `${config.stage}/affiliate/admin-token`, GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true } });
    api.hasResourceProperties('AWS::SecretsManager::Secret', { Name: `${config.stage}/affiliate/payouts/stripe`, SecretString: '{}' });
    api.hasResourceProperties('AWS::SecretsManager::Secret', { Name: `${config.stage}/affiliate/payouts/paypal`, SecretString: '{}' });
  });

  it('puts no secret value in any Lambda environment of any stack: no dynamic reference, plain or inside Fn::Join', () => {
    const managementApi = functionNamed(api, `${config.stage}-managementApi`);
    for (const [stackName, template] of Object.entries(templates)) {
      for (const [logicalId, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
        for (const [variable, value] of Object.entries((fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>)) {
          // Fn::Join, Fn::Sub and plain strings alike: a dynamic reference is resolved into the function's configuration.
          expect(JSON.stringify(value), `${stackName} ${logicalId} ${variable}`).not.toMatch(/resolve:secretsmanager|resolve:ssm-secure/);
          expect([envVars.adminToken, 'STRIPE_SECRET_KEY', 'PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET'], `${stackName} ${logicalId}`).not.toContain(variable);
        }
      }
      // Only the function that sends payouts and serves the admin routes reads those secrets.
      for (const logicalId of Object.keys(template.findResources('AWS::IAM::Role'))) {
        if (stackName === 'api' && logicalId === managementApi.roleLogicalId) continue;
        const onSecrets = grants(statementsOfRole(template, logicalId)).filter((grant) => /AdminToken|PayoutSecret/.test(grant));
        expect(onSecrets, `${stackName} ${logicalId}`).toEqual([]);
      }
    }
  });

  it('outputs the API URL and the webhook URL pattern', () => {
    api.hasOutput('ApiUrl', {});
    api.hasOutput('WebhookUrlPattern', { Value: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['/webhooks/{provider}/{integration_id}'])]) }) });
  });

  it('grants the payment-data key (GenerateDataKey + Decrypt) to the management API alone, the function that stores details and sends payouts', () => {
    const managementApi = functionNamed(api, `${config.stage}-managementApi`);
    expect(JSON.stringify(managementApi.properties.Environment.Variables[envVars.paymentDataKeyArn])).toMatch(/PaymentDataKey/);
    const kmsGrants = (template: typeof api, role: string) => grants(statementsOfRole(template, role)).filter((grant) => grant.startsWith('kms:'));
    expect(kmsGrants(api, managementApi.roleLogicalId)).toEqual(['kms:Decrypt on PaymentDataKey', 'kms:GenerateDataKey on PaymentDataKey']);
    // Every other role of every stack: no KMS call on the payment-data key, no key variable.
    for (const [stackName, template] of Object.entries(templates)) {
      for (const [logicalId, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
        if (stackName === 'api' && logicalId === managementApi.roleLogicalId) continue;
        const onKey = kmsGrants(template, logicalId).filter((grant) => grant.includes('PaymentDataKey'));
        expect(onKey, `${stackName} ${logicalId} ${JSON.stringify(role.Properties.Description ?? '')}`).toEqual([]);
      }
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        const variables = Object.keys(fn.Properties.Environment?.Variables ?? {});
        // The local runner's development switch never reaches AWS.
        expect(variables).not.toContain(envVars.allowLoopbackWebhooks);
        if (fn.Properties.FunctionName !== managementApi.properties.FunctionName) expect(variables).not.toContain(envVars.paymentDataKeyArn);
      }
    }
  });
});
