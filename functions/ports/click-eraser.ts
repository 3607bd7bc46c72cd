/**
 * Erasure's view of the hot store of clicks: delete every click item of some cookies (the person
 * being erased). DynamoDB `clicks` through its `by_cookie` index on AWS and locally.
 */
export interface ClickEraser {
  /** Deletes the click items of these cookies; returns how many were deleted. */
  deleteClicksOfCookies(cookieIds: readonly string[]): Promise<number>;
}
