/**
 * The version in the immutable path (`/js/track.v<N>.js`). Browsers and CDNs keep a versioned
 * file for a year and pages pin its integrity hash, so its bytes must never change: any change
 * to the bundle ships under the next number (and docs/tracking-script.md's hash is updated).
 */
export const TRACKING_SCRIPT_VERSION = 1;
