/** One stored value of the origin-verify secret and when it became current. */
export interface OriginVerifySecretVersion {
  value: string;
  createdAt: Date;
}

/**
 * The secret CloudFront adds to every origin request (`x-origin-verify`), as the secret store
 * holds it: the current value and, after a rotation, the previous one (Secrets Manager's
 * AWSCURRENT and AWSPREVIOUS stages).
 */
export interface OriginVerifySecretVersions {
  current: OriginVerifySecretVersion;
  previous?: OriginVerifySecretVersion;
}

export interface OriginVerifySecrets {
  /** The stored versions; adapters cache them, so most calls do no I/O. */
  read(): Promise<OriginVerifySecretVersions>;
}
