/**
 * Secrets Manager's GetSecretValue answers as its API reference documents them, for the adapters
 * that read rotated secrets (aws-sdk-client-mock replays them).
 */
import { ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';

/** One version's response: ARN, Name, VersionId, SecretString, VersionStages, CreatedDate. */
export function secretVersionResponse(secretArn: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS', value: string, createdAt: string) {
  return {
    ARN: secretArn,
    Name: secretArn.replace(/^arn:aws:secretsmanager:[^:]+:\d+:secret:/, '').replace(/-[A-Za-z0-9]{6}$/, ''),
    VersionId: `${stage.toLowerCase()}-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`,
    SecretString: value,
    VersionStages: [stage],
    CreatedDate: new Date(createdAt),
  };
}

/** What Secrets Manager answers for a stage no version carries (a secret never rotated has no AWSPREVIOUS). */
export const noPreviousVersion = new ResourceNotFoundException({
  message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
  $metadata: { httpStatusCode: 400 },
});
