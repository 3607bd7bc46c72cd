/** One stored value of the operator token and when it became current. */
export interface OperatorTokenVersion {
  value: string;
  createdAt: Date;
}

/**
 * The operator tokens a request may carry at `now`: the current one, and the one it replaced only
 * while the rotation is younger than `graceSeconds` (so scripts holding the old token can switch
 * over). After that the previous token vouches for nothing, whatever the secret store keeps.
 */
export function acceptedOperatorTokens({
  current,
  previous,
  now,
  graceSeconds,
}: {
  current: OperatorTokenVersion | undefined;
  previous: OperatorTokenVersion | undefined;
  now: Date;
  graceSeconds: number;
}): string[] {
  if (!current) return [];
  const accepted = [current.value];
  if (previous && now.getTime() - current.createdAt.getTime() < graceSeconds * 1000) accepted.push(previous.value);
  return accepted.filter((token) => token.length > 0);
}
