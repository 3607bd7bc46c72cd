/**
 * The AWS SDK's default credential provider, as the deployed bundles get it: the environment
 * variables only. Every SDK client imports `defaultProvider` from `@aws-sdk/credential-provider-node`
 * (SSO, INI files, credential_process, web identity, container and instance metadata, with their
 * own STS and SSO clients: ~100 KB of each bundle); the Lambda bundling (lib/constructs/
 * lambda-bundle-options.ts) aliases that package to this module. A Lambda function's credentials
 * are always those variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, set
 * from the execution role), which is also the first source the full chain tries.
 *
 * Not for SnapStart or other execution modes that serve credentials from a container endpoint
 * instead (`NodeFunction` uses none). Locally, in tests and in scripts the SDK's own chain runs:
 * only the deployed bundles carry the alias.
 */
import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/** `defaultProvider(init)` of the SDK's chain, reduced to its first link, with an error that says why. */
export function lambdaCredentialProvider(init?: FromEnvInit): ReturnType<typeof fromEnv> {
  const fromEnvironment = fromEnv(init);
  return async () => {
    try {
      return await fromEnvironment();
    } catch (error) {
      throw new Error(
        'No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): the deployed bundle reads them from nowhere else (functions/platform/lambda-credential-provider.ts)',
        { cause: error },
      );
    }
  };
}

/** The name the SDK clients import (`@aws-sdk/credential-provider-node`'s export). */
export { lambdaCredentialProvider as defaultProvider };
