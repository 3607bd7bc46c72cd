import { acceptedSecretValues } from '../../domain/auth/accepted-secret-values.js';
import type { SecretReader } from '../../ports/secret-reader.js';
import type { PlatformConfig } from '../composition-root.js';

/**
 * How long after a rotation the previous operator token is still accepted. Longer than the
 * reader's cache (5 minutes), so no warm Lambda refuses both tokens mid-rotation, and short,
 * because a token is often rotated because it leaked.
 */
export const DEFAULT_ADMIN_TOKEN_GRACE_SECONDS = 900;

/**
 * The operator tokens accepted at a given time: on AWS the admin-token secret's current value
 * and, during the grace period, the previous one (read through `secretReader`, cached); locally
 * the plain ADMIN_TOKEN. Neither: no request is the operator.
 */
export function adminTokensOf(deps: { config: PlatformConfig; secretReader?: SecretReader }): (now: Date) => Promise<readonly string[]> {
  const { adminTokenSecretId, adminToken } = deps.config;
  const reader = deps.secretReader;
  if (adminTokenSecretId && reader) {
    const graceSeconds = deps.config.adminTokenGraceSeconds ?? DEFAULT_ADMIN_TOKEN_GRACE_SECONDS;
    return async (now) => {
      const [current, previous] = await Promise.all([reader.current(adminTokenSecretId), reader.previous(adminTokenSecretId)]);
      return acceptedSecretValues({ current, previous, now, graceSeconds });
    };
  }
  const tokens = adminToken ? [adminToken] : [];
  return () => Promise.resolve(tokens);
}
