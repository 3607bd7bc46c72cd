/**
 * Who sent a request that may have come through our CloudFront: the redirect's shopper, and the
 * caller of the management API, which the web app reaches through its own distribution (there
 * API Gateway's source address is a CloudFront edge's, shared by every user near it). The
 * viewer's own address (`CloudFront-Viewer-Address`, or `True-Client-IP` written by the web app's
 * viewer-request function) is believed only on a request carrying an accepted origin-verify
 * secret (`domain/clicks/read-viewer.ts`). The secret is read from Secrets Manager (cached by the
 * adapter), never from the environment, and only when a request presents one at all; a failed
 * read leaves the request unverified, never unanswered.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSecretsManagerOriginVerifySecrets } from '../adapters/aws/secrets-manager-origin-verify-secrets.js';
import { acceptedSecretValues } from '../domain/auth/accepted-secret-values.js';
import { ORIGIN_VERIFY_HEADER, readViewer, type Viewer } from '../domain/clicks/read-viewer.js';
import type { Logger } from '../ports/logger.js';
import type { OriginVerifySecrets } from '../ports/origin-verify-secrets.js';
import type { PlatformDeps } from './composition-root.js';
import { errorFields } from './error-fields.js';

/** How long after a rotation CloudFront may still send the previous origin-verify value. */
export const DEFAULT_ORIGIN_VERIFY_GRACE_SECONDS = 86_400;

export interface OriginVerify {
  secrets: OriginVerifySecrets;
  graceSeconds: number;
}

/**
 * Secrets Manager is read once per few minutes (a cache miss): a little more room than the hot
 * path's clients, still well inside the redirect's budget.
 */
export const originVerifySecretsClientConfig = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 200, requestTimeout: 800, throwOnRequestTimeout: true },
} as const;

/**
 * The origin-verify secret: the one the platform was given (the local platform's), else the
 * Secrets Manager secret the environment names (its ARN or name, never its value), else none.
 */
export function originVerifyFor(deps: Pick<PlatformDeps, 'config' | 'originVerifySecrets' | 'now'>): OriginVerify | undefined {
  const graceSeconds = deps.config.originVerifyGraceSeconds ?? DEFAULT_ORIGIN_VERIFY_GRACE_SECONDS;
  if (deps.originVerifySecrets) return { secrets: deps.originVerifySecrets, graceSeconds };
  const secretId = deps.config.originVerifySecretId;
  if (!secretId) return undefined;
  return {
    secrets: createSecretsManagerOriginVerifySecrets({ client: new SecretsManagerClient(originVerifySecretsClientConfig), secretId, now: deps.now }),
    graceSeconds,
  };
}

export type ViewerReader = (headers: Readonly<Record<string, string | undefined>>, sourceIp: string | undefined) => Promise<Viewer>;

/** Reads the viewer of each request (`headers` with lower-case names); without `originVerify`, no request is verified. */
export function createViewerReader({ originVerify, now, log }: { originVerify: OriginVerify | undefined; now: () => Date; log: Pick<Logger, 'warn'> }): ViewerReader {
  return async (headers, sourceIp) => {
    let acceptedSecrets: string[] = [];
    if (originVerify && headers[ORIGIN_VERIFY_HEADER]) {
      try {
        const versions = await originVerify.secrets.read();
        acceptedSecrets = acceptedSecretValues({ current: versions.current, previous: versions.previous, now: now(), graceSeconds: originVerify.graceSeconds });
      } catch (error) {
        // Unverified, not unavailable: the request is served with the edge's address.
        log.warn('origin_verify_unavailable', errorFields(error));
      }
    }
    return readViewer({ headers, sourceIp, acceptedSecrets });
  };
}
