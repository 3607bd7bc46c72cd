import { SecretValue } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import { ORIGIN_VERIFY_HEADER } from '../../functions/domain/clicks/read-viewer.js';

/**
 * The HTTP API as a CloudFront origin, over TLS 1.2 only, with the origin-verify secret sent on
 * every origin request: it proves to the API that the request came through CloudFront, so only
 * then are CloudFront-Viewer-Address/-Country believed. A viewer's own header of this name is
 * replaced. The secret is a dynamic reference, resolved at deploy time, never in the template.
 */
export function originVerifiedApiOrigin(host: string, secret: { arn: string; versionId?: string }): origins.HttpOrigin {
  const originVerify = SecretValue.secretsManager(secret.arn, { versionId: secret.versionId });
  return new origins.HttpOrigin(host, {
    protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
    originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    customHeaders: { [ORIGIN_VERIFY_HEADER]: originVerify.unsafeUnwrap() },
  });
}
