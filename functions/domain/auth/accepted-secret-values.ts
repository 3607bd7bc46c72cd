/** One stored value of a rotated secret and when it became current. */
export interface StoredSecretValue {
  value: string;
  createdAt: Date;
}

/**
 * The values of a rotated shared secret (the operator token, the origin-verify header) a request
 * may carry at `now`: the current one always, and the one it replaced only while the rotation is
 * younger than `graceSeconds`, long enough for every holder to switch over (a warm Lambda's cache,
 * CloudFront picking up the new header, a script with the old token). After that the previous
 * value is a leaked or forgotten one and vouches for nothing, whatever the secret store keeps.
 */
export function acceptedSecretValues({
  current,
  previous,
  now,
  graceSeconds,
}: {
  current: StoredSecretValue | undefined;
  previous: StoredSecretValue | undefined;
  now: Date;
  graceSeconds: number;
}): string[] {
  if (!current) return [];
  const accepted = [current.value];
  if (previous && now.getTime() - current.createdAt.getTime() < graceSeconds * 1000) accepted.push(previous.value);
  return accepted.filter((value) => value.length > 0);
}
