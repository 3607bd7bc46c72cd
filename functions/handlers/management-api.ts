/**
 * The management API Lambda (`ANY /v1/{proxy+}`): one function, an internal router over the area
 * route modules listed in `api/routes-index.ts`. Thin: route → area handler → JSON, errors →
 * problem+json.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { platformDepsFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import { createViewerReader, originVerifyFor } from '../platform/origin-verified-viewer.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import { problemDetailsMiddleware } from '../platform/http/problem-middleware.js';
import { toGatewayResult } from '../platform/http/responses.js';
import type { ApiDeps } from '../platform/http/route.js';
import type { LinkStore } from '../ports/link-store.js';
import { createLinkStore } from '../adapters/aws/link-writer.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { envVars } from '../../lib/resources.js';
import { createPowertoolsSecretReader, secretReaderClientConfig } from '../adapters/aws/powertools-secret-reader.js';
import { payoutProvidersFromEnv } from '../adapters/payments/payout-providers-from-env.js';
import { payoutProvidersFromSecrets } from '../adapters/payments/payout-providers-from-secrets.js';
import { paymentDataCipherFromEnv } from '../adapters/crypto/payment-data-cipher-from-env.js';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createSesMailer } from '../adapters/mail/ses-mailer.js';
import type { Mailer } from '../ports/mailer.js';
import { createRouter } from './api/router.js';
import { allRoutes } from './api/routes-index.js';

export interface ManagementApiOptions {
  /** The link hot store; defaults to DynamoDB through `deps.dynamodb`. Tests inject failing ones. */
  linkStore?: LinkStore;
  /** Short-code source (tests force collisions); default: 8 random base62 characters. */
  newShortCode?: () => string;
}

export function createHandler(deps: PlatformDeps, options: ManagementApiOptions = {}) {
  const router = createRouter(allRoutes);
  let linkStore = options.linkStore;
  // Once per container: the origin-verify secret's cache lives in it.
  const viewerOf = createViewerReader({ originVerify: originVerifyFor(deps), now: deps.now, log: deps.logger ?? silentLogger });
  const apiDeps = (): ApiDeps => {
    linkStore ??= createLinkStore({ client: deps.dynamodb, tableName: deps.config.tableNames.links });
    // A view over deps, not a copy: `sql` is a lazy getter in the composition root.
    return Object.create(deps, {
      linkStore: { value: linkStore, enumerable: true },
      newShortCode: { value: options.newShortCode, enumerable: true },
      viewerOf: { value: viewerOf, enumerable: true },
    }) as ApiDeps;
  };
  const wrapped = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(problemDetailsMiddleware(deps.logger))
    .handler(async (event) => toGatewayResult(await router.handle(event, apiDeps())));
  return (event: APIGatewayProxyEventV2, context?: unknown): Promise<APIGatewayProxyStructuredResultV2> =>
    wrapped(event, (context ?? {}) as Context);
}

/**
 * On AWS the operator token and the payout credentials come from Secrets Manager (the environment
 * holds their ARNs only); STRIPE_SECRET_KEY / PAYPAL_CLIENT_* in the environment are the local
 * runner's way and are never set by the CDK app.
 */
export function secretDepsFromEnv(env: NodeJS.ProcessEnv, client: SecretsManagerClient, fetchFn: typeof fetch = fetch): Pick<PlatformDeps, 'secretReader' | 'payoutProviders'> {
  const secretReader = createPowertoolsSecretReader({ client });
  return {
    secretReader,
    payoutProviders: {
      ...payoutProvidersFromEnv(env, fetchFn),
      ...payoutProvidersFromSecrets({
        secrets: secretReader,
        stripeSecretId: env[envVars.stripePayoutSecretId] || undefined,
        paypalSecretId: env[envVars.paypalPayoutSecretId] || undefined,
        fetchFn,
      }),
    },
  };
}

/** SES when MAIL_FROM is set (the CDK app sets it with the identity it grants); else no mail. */
export function mailerFromEnv(env: NodeJS.ProcessEnv): Mailer | undefined {
  const from = env[envVars.mailFrom];
  return from ? createSesMailer({ client: new SESv2Client({}), from }) : undefined;
}

export const handler = lazyHandler(() =>
  createHandler(
    (() => {
      const deps = platformDepsFromEnv();
      const secretsClient = new SecretsManagerClient(secretReaderClientConfig);
      return Object.assign(deps, secretDepsFromEnv(process.env, deps.tracer ? deps.tracer.captureAWSv3Client(secretsClient) : secretsClient), {
        paymentDataCipher: paymentDataCipherFromEnv(process.env),
        mailer: mailerFromEnv(process.env),
      });
    })(),
  ),
);
