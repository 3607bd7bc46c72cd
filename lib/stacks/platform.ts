/**
 * The whole platform for one stage: the stateful data stack, then the stateless api, workers,
 * edge and monitoring stacks that reference it. bin/app.ts and the template tests both build the
 * app through this function, so what is tested is what is deployed.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Annotations, Token, type App, type Environment } from 'aws-cdk-lib';
import { functions, type FunctionDeclaration } from '../resources.js';
import { repositoryRoot } from '../constructs/node-function.js';
import type { StageConfig } from '../stage-config.js';
import { ApiStack } from './api-stack.js';
import { DataStack } from './data-stack.js';
import { cloudFrontMetricsRegion, EdgeAlarmsStack } from './edge-alarms-stack.js';
import { EdgeStack } from './edge-stack.js';
import { MonitoringStack } from './monitoring-stack.js';
import { scheduledFunctionNames, WorkersStack } from './workers-stack.js';
import { WebAppStack } from './web-app-stack.js';

export interface PlatformStacks {
  data: DataStack;
  api: ApiStack;
  workers: WorkersStack;
  edge: EdgeStack;
  webApp: WebAppStack;
  monitoring: MonitoringStack;
  /** The CloudFront alarm in us-east-1; absent when the account and region are not known at synth. */
  edgeAlarms?: EdgeAlarmsStack;
}

/** Declared handler entries that do not exist yet: named all at once rather than one per synth. */
export function missingHandlerEntries(): string[] {
  return Object.values(functions)
    .map((declaration: FunctionDeclaration) => declaration.entry)
    .filter((entry) => !existsSync(resolve(repositoryRoot, entry)));
}

export function createPlatformStacks(app: App, config: StageConfig, env?: Environment): PlatformStacks {
  const missing = missingHandlerEntries();
  if (missing.length > 0) {
    throw new Error(`Handler entries declared in lib/resources.ts do not exist yet: ${missing.join(', ')}`);
  }
  const prefix = `Affiliate-${config.stage}`;
  const common = { env, tags: { project: 'affiliate-platform', stage: config.stage } };

  const data = new DataStack(app, `${prefix}-Data`, {
    ...common,
    description: 'Affiliate platform: Aurora, DynamoDB hot store, SQS queues (stateful, retained)',
    config,
  });
  const api = new ApiStack(app, `${prefix}-Api`, {
    ...common,
    description: 'Affiliate platform: HTTP API, redirect, management API, webhooks',
    config,
    data,
  });
  const workers = new WorkersStack(app, `${prefix}-Workers`, {
    ...common,
    description: 'Affiliate platform: queue consumers and scheduled jobs',
    config,
    data,
    publicBaseUrl: api.publicBaseUrl,
  });
  // The CloudFront alarm lives in us-east-1 and names the distribution across regions: CDK can
  // only carry that reference between stacks whose account and region are known.
  const concreteEnv = Boolean(env?.account && env.region && !Token.isUnresolved(env.account) && !Token.isUnresolved(env.region));
  const edge = new EdgeStack(app, `${prefix}-Edge`, {
    ...common,
    crossRegionReferences: concreteEnv && env?.region !== cloudFrontMetricsRegion,
    description: 'Affiliate platform: CloudFront on the short-link domain',
    stage: config.stage,
    originHost: api.originHost,
    originVerifySecretArn: api.originVerifySecret.secretArn,
    originVerifySecretVersionId: config.originVerifySecretVersionId,
    domainName: config.shortLinkDomain,
    certificateArn: config.shortLinkCertificateArn,
    hostedZone: config.hostedZoneId && config.hostedZoneName ? { hostedZoneId: config.hostedZoneId, zoneName: config.hostedZoneName } : undefined,
    logRetentionDays: config.retention.logsDays,
  });
  const webApp = new WebAppStack(app, `${prefix}-WebApp`, {
    ...common,
    description: 'Affiliate platform: the web app (S3 + CloudFront) with the API on the same domain',
    stage: config.stage,
    apiOriginHost: api.originHost,
    originVerifySecretArn: api.originVerifySecret.secretArn,
    originVerifySecretVersionId: config.originVerifySecretVersionId,
    domainName: config.appDomain,
    certificateArn: config.appCertificateArn,
    hostedZone: config.hostedZoneId && config.hostedZoneName ? { hostedZoneId: config.hostedZoneId, zoneName: config.hostedZoneName } : undefined,
    logRetentionDays: config.retention.logsDays,
  });
  const redirect = api.functions.redirect;
  if (!redirect) throw new Error('The API stack has no redirect function');
  const monitoring = new MonitoringStack(app, `${prefix}-Monitoring`, {
    ...common,
    description: 'Affiliate platform: alarms, SNS topic, dashboard',
    stage: config.stage,
    alarmEmail: config.alarmEmail,
    queues: data.queues,
    consumers: workers.functions,
    redirect,
    httpApi: api.httpApi,
    redirectP99Ms: config.redirectP99Ms,
    notificationLogs: workers.functions.notifyVendors?.logGroup,
    functions: { ...api.functions, ...workers.functions },
    jobs: {
      failures: workers.jobFailures,
      functions: Object.fromEntries(scheduledFunctionNames.map((name) => [name, workers.functions[name]])),
    },
    tables: data.tables,
    database: { cluster: data.cluster, maxCapacity: config.databaseMaxCapacity },
  });
  let edgeAlarms: EdgeAlarmsStack | undefined;
  if (concreteEnv) {
    edgeAlarms = new EdgeAlarmsStack(app, `${prefix}-EdgeAlarms`, {
      ...common,
      env: { account: env?.account, region: cloudFrontMetricsRegion },
      crossRegionReferences: env?.region !== cloudFrontMetricsRegion,
      description: 'Affiliate platform: CloudFront 5xx alarm and its topic (us-east-1, where CloudFront metrics are)',
      stage: config.stage,
      alarmEmail: config.alarmEmail,
      distributionId: edge.distribution.distributionId,
    });
  } else {
    // Info, not a warning: `cdk deploy` with credentials always knows both, so only a
    // credential-less synth (CI) gets here.
    Annotations.of(edge).addInfo(
      'No CloudFront 5xx alarm: its metrics are in us-east-1 and the cross-region reference needs the account and region (set CDK_DEPLOY_ACCOUNT/CDK_DEPLOY_REGION or deploy with credentials).',
    );
  }
  return { data, api, workers, edge, webApp, monitoring, ...(edgeAlarms ? { edgeAlarms } : {}) };
}
