/** One stored value of a secret and when it became current. */
export interface SecretVersion {
  value: string;
  createdAt: Date;
}

/**
 * Reads secrets at run time by their id (an ARN or name: the only thing a function's environment
 * carries, never the value). Secrets Manager on AWS (cached); the local runner and tests give plain
 * values. `previous` is the value a rotation replaced (Secrets Manager's AWSPREVIOUS stage).
 */
export interface SecretReader {
  /** The current value; undefined when the secret has no value yet. */
  current(secretId: string): Promise<SecretVersion | undefined>;
  /** The value before the last rotation; undefined when the secret was never rotated. */
  previous(secretId: string): Promise<SecretVersion | undefined>;
}
