import type { OriginVerifySecretVersions } from '../../ports/origin-verify-secrets.js';

/**
 * The origin-verify values a request may carry at `now`: always the current one, and the previous
 * one only during the grace period after the rotation that replaced it (`graceSeconds` after the
 * current value was created). The grace period covers the time CloudFront takes to start sending
 * the new value (a redeploy of the edge stack, minutes) and the redirect's cache of the secret; a
 * previous value older than that is a leaked or forgotten one and vouches for nothing.
 */
export function acceptedOriginSecrets({
  versions,
  now,
  graceSeconds,
}: {
  versions: OriginVerifySecretVersions;
  now: Date;
  graceSeconds: number;
}): string[] {
  const accepted = [versions.current.value];
  const previous = versions.previous;
  if (previous && now.getTime() - versions.current.createdAt.getTime() < graceSeconds * 1000) accepted.push(previous.value);
  return accepted.filter((value) => value.length > 0);
}
