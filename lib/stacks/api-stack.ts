/**
 * The HTTP API and the functions behind its routes (redirect, management API, webhooks), every
 * route taken from lib/resources.ts. Throttling is set on the default stage; access logs go to a
 * log group. Authentication happens in the handlers (API keys, webhook signatures), not here.
 */
import { CfnOutput, Fn, RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { DEFAULT_ADMIN_TOKEN_GRACE_SECONDS } from '../../functions/platform/http/admin-tokens-of.js';
import { envVars, routes, type FunctionName } from '../resources.js';
import type { StageConfig } from '../stage-config.js';
import { createPlatformFunction, type PlatformData } from '../constructs/platform-function.js';
import { logRetention } from '../constructs/log-retention.js';
import type { NodeFunction } from '../constructs/node-function.js';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  readonly data: PlatformData;
}

/** The functions API Gateway invokes: every function some route names. */
export const apiFunctionNames = [...new Set(routes.map((route) => route.function))];

/** Stage-wide variables: where short links live, and the repeat-click window. */
export function sharedEnvironment(config: StageConfig, publicBaseUrl: string): Record<string, string> {
  return {
    [envVars.publicBaseUrl]: publicBaseUrl,
    [envVars.repeatClickWindowSeconds]: String(config.repeatClickWindowSeconds),
  };
}

export class ApiStack extends Stack {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly functions: Partial<Record<FunctionName, NodeFunction>>;
  /** `https://…` without a trailing slash: the custom API domain, or the execute-api URL. */
  readonly apiUrl: string;
  /** What short links start with; handlers of other stacks get the same value. */
  readonly publicBaseUrl: string;
  /** The host CloudFront forwards to: the API's custom domain when set (the execute-api endpoint is then off), else the execute-api name. */
  readonly originHost: string;
  /** The origin-verify secret CloudFront sends as `x-origin-verify` and the redirect checks. */
  readonly originVerifySecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, data } = props;

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `${config.stage}-affiliate`,
      description: 'Affiliate platform: short-link redirect, management API, inbound webhooks',
      // The stage below carries throttling and access logs, which the implicit one cannot.
      createDefaultStage: false,
      // With a custom domain, the default https://{api-id}.execute-api... endpoint is turned off:
      // it would let anyone reach the redirect without passing CloudFront. Without one it stays,
      // as the only address the API has (the redirect still believes no viewer header there).
      disableExecuteApiEndpoint: Boolean(config.apiDomain && config.apiCertificateArn),
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logRetention(config.retention.logsDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });
    const executeApiUrl = `https://${this.httpApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`;

    let apiUrl = executeApiUrl;
    if (config.apiDomain && config.apiCertificateArn) {
      const domainName = new apigwv2.DomainName(this, 'ApiDomain', {
        domainName: config.apiDomain,
        certificate: acm.Certificate.fromCertificateArn(this, 'ApiCertificate', config.apiCertificateArn),
      });
      new apigwv2.ApiMapping(this, 'ApiMapping', { api: this.httpApi, domainName, stage: this.stage });
      if (config.hostedZoneId && config.hostedZoneName) {
        const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
          hostedZoneId: config.hostedZoneId,
          zoneName: config.hostedZoneName,
        });
        new route53.ARecord(this, 'ApiAlias', {
          zone,
          recordName: config.apiDomain,
          target: route53.RecordTarget.fromAlias(new targets.ApiGatewayv2DomainProperties(domainName.regionalDomainName, domainName.regionalHostedZoneId)),
        });
      }
      apiUrl = `https://${config.apiDomain}`;
    }
    this.apiUrl = apiUrl;
    // Without a short-link domain the CloudFront name is not known before the edge stack exists
    // (and the edge stack depends on this one), so links fall back to the API's own URL, which
    // serves the same GET /{short_code} route.
    this.publicBaseUrl = config.shortLinkDomain ? `https://${config.shortLinkDomain}` : apiUrl;

    const environment = sharedEnvironment(config, this.publicBaseUrl);
    this.functions = {};
    for (const name of apiFunctionNames) {
      this.functions[name] = createPlatformFunction(this, name, {
        stage: config.stage,
        data,
        environment,
        logRetention: logRetention(config.retention.logsDays),
      });
    }

    // The origin-verify secret: CloudFront adds it to every request it forwards (edge stack), and
    // the redirect believes CloudFront's viewer headers only on requests that carry it. The
    // redirect gets the secret's ARN and reads the value at run time (Secrets Manager, cached):
    // never the value in an environment variable. Rotation: docs/trust.md.
    this.originVerifySecret = new secretsmanager.Secret(this, 'OriginVerifySecret', {
      secretName: `${config.stage}/affiliate/origin-verify`,
      description: 'x-origin-verify: CloudFront -> API origin custom header, checked by the redirect and the management API',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.originVerifySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotated by the operator (put-secret-value, then deploy the edge stack with originVerifySecretVersionId); the redirect accepts the previous value for originVerifyGraceSeconds, so no rotation Lambda is needed. docs/trust.md.',
    });
    const redirect = this.functions.redirect;
    if (redirect) {
      // GetSecretValue only (grantRead would add DescribeSecret): the one call the adapter makes.
      redirect.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.originVerifySecret.secretArn] }));
      redirect.addEnvironment(envVars.originVerifySecretId, this.originVerifySecret.secretArn);
      redirect.addEnvironment(envVars.originVerifyGraceSeconds, String(config.originVerifyGraceSeconds));
      redirect.addEnvironment(envVars.velocityMaxClicksPerVisitorPerLink, String(config.velocityMaxClicksPerVisitorPerLink));
      redirect.addEnvironment(envVars.velocityMaxClicksPerIpPerLink, String(config.velocityMaxClicksPerIpPerLink));
    }

    // The operator's bearer token for /v1/admin/*: generated once, readable in Secrets Manager.
    // The management API gets the secret's ARN and reads the value at run time (Powertools
    // Parameters, cached 5 minutes), so a rotation needs no redeploy: docs/operations.md "Secrets".
    const adminToken = new secretsmanager.Secret(this, 'AdminToken', {
      secretName: `${config.stage}/affiliate/admin-token`,
      description: 'Bearer token of the operator routes (/v1/admin/*) of the management API',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(adminToken).acknowledge(
      { id: 'AwsSolutions-SMG4', reason: 'Rotated by the operator (put-secret-value); the management API reads it at run time and accepts the previous value for ADMIN_TOKEN_GRACE_SECONDS, so no rotation Lambda is needed. docs/operations.md "Secrets".' },
    );
    // The payout credentials: created with the placeholder `{}` (provider off), filled by the
    // operator with the documented JSON; the provider is on once its secret holds credentials.
    const payoutSecrets = {
      [envVars.stripePayoutSecretId]: new secretsmanager.Secret(this, 'StripePayoutSecret', {
        secretName: `${config.stage}/affiliate/payouts/stripe`,
        description: 'Stripe payouts: {"secret_key": "sk_live_..."}; {} leaves Stripe payouts off',
        secretStringValue: SecretValue.unsafePlainText('{}'),
      }),
      [envVars.paypalPayoutSecretId]: new secretsmanager.Secret(this, 'PayPalPayoutSecret', {
        secretName: `${config.stage}/affiliate/payouts/paypal`,
        description: 'PayPal payouts: {"client_id": "...", "client_secret": "..."}; {} leaves PayPal payouts off',
        secretStringValue: SecretValue.unsafePlainText('{}'),
      }),
    };
    for (const secret of Object.values(payoutSecrets)) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Credentials issued by the payment provider: rotated in its dashboard, then put-secret-value; the management API picks the new value up within its cache age. docs/operations.md "Secrets".',
      });
    }
    const managementApi = this.functions.managementApi;
    if (managementApi) {
      // GetSecretValue only (grantRead would add DescribeSecret): the one call the reader makes.
      // The origin-verify secret too: the web app reaches the API through its own CloudFront, and
      // only a request carrying that secret has its viewer's address believed (audit, sign-in limits).
      const secretArns = [adminToken.secretArn, this.originVerifySecret.secretArn, ...Object.values(payoutSecrets).map((secret) => secret.secretArn)];
      managementApi.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secretArns }));
      managementApi.addEnvironment(envVars.originVerifySecretId, this.originVerifySecret.secretArn);
      managementApi.addEnvironment(envVars.originVerifyGraceSeconds, String(config.originVerifyGraceSeconds));
      managementApi.addEnvironment(envVars.adminTokenSecretId, adminToken.secretArn);
      managementApi.addEnvironment(envVars.adminTokenGraceSeconds, String(DEFAULT_ADMIN_TOKEN_GRACE_SECONDS));
      for (const [variable, secret] of Object.entries(payoutSecrets)) managementApi.addEnvironment(variable, secret.secretArn);
      // The web app: sign-in links and notices by SES, sent only by the management API and only
      // from the stage's identity (ses:SendEmail on it, nothing else). docs/web-app.md.
      // Sign-in links open the web app: its own domain when the stage has one (the WebApp stack serves
      // it there, the API behind the same distribution), else an explicit appBaseUrl, else the API's URL.
      managementApi.addEnvironment(envVars.appBaseUrl, config.appBaseUrl ?? (config.appDomain ? `https://${config.appDomain}` : apiUrl));
      if (config.operatorEmails) managementApi.addEnvironment(envVars.operatorEmails, config.operatorEmails);
      if (config.mailDomain) {
        const zone =
          config.hostedZoneId && config.hostedZoneName && config.mailDomain.toLowerCase() === config.hostedZoneName.toLowerCase()
            ? route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'MailZone', { hostedZoneId: config.hostedZoneId, zoneName: config.hostedZoneName })
            : undefined;
        const mailIdentity = new ses.EmailIdentity(this, 'MailIdentity', {
          // In the stage's own zone the DKIM records are created too; elsewhere the operator publishes them (output below).
          identity: zone ? ses.Identity.publicHostedZone(zone) : ses.Identity.domain(config.mailDomain),
        });
        managementApi.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: [mailIdentity.emailIdentityArn] }));
        managementApi.addEnvironment(envVars.mailFrom, config.mailFrom ?? `no-reply@${config.mailDomain}`);
        new CfnOutput(this, 'MailIdentityName', { value: mailIdentity.emailIdentityName, description: 'SES identity of sign-in links and notices: publish its DKIM CNAMEs and request production access once' });
      }
      // GET /v1/admin/queues: depths of the queues and of their dead-letter queues (found by the redrive policy).
      const queueArns = Object.values(data.queues).flatMap((q) => [q.queue.queueArn, q.deadLetterQueue.queueArn]);
      managementApi.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: queueArns }));
    }

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of routes) {
      const fn = this.functions[route.function];
      if (!fn) throw new Error(`Route ${route.method} ${route.path}: function ${route.function} is not in the API stack`);
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.function}Integration`, fn, {
          payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
        });
        integrations.set(route.function, integration);
      }
      this.httpApi.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration });
    }
    Validations.of(this.httpApi).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason: 'Authorisation is per route inside the handlers: the redirect is public by design, webhooks verify the provider signature over the raw body, the management API checks hashed API keys and the operator token.',
      },
    );

    new CfnOutput(this, 'ApiUrl', { value: apiUrl, description: 'Management API base (append /v1/...)' });
    new CfnOutput(this, 'ExecuteApiUrl', {
      value: executeApiUrl,
      description: config.apiDomain ? 'The HTTP API default endpoint (disabled: the API answers on its custom domain only)' : 'The HTTP API default endpoint',
    });
    new CfnOutput(this, 'WebhookUrlPattern', {
      value: `${apiUrl}/webhooks/{provider}/{integration_id}`,
      description: 'Inbound webhook URL (also served on the short-link domain)',
    });
    new CfnOutput(this, 'AdminTokenSecretName', { value: adminToken.secretName, description: 'aws secretsmanager get-secret-value --secret-id <this>' });
    new CfnOutput(this, 'StripePayoutSecretName', { value: payoutSecrets[envVars.stripePayoutSecretId].secretName, description: 'put-secret-value {"secret_key": "..."} to turn Stripe payouts on' });
    new CfnOutput(this, 'PayPalPayoutSecretName', { value: payoutSecrets[envVars.paypalPayoutSecretId].secretName, description: 'put-secret-value {"client_id": "...", "client_secret": "..."} to turn PayPal payouts on' });
    // The host CloudFront forwards to: the custom API domain when there is one (the execute-api
    // endpoint is disabled then), else the execute-api name without scheme.
    this.originHost = config.apiDomain && config.apiCertificateArn ? config.apiDomain : Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));
  }
}
