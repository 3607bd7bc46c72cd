/** Fraud and integrity checks that need no I/O. */
export { normaliseEmail } from './normalise-email.js';
export { isSelfReferral } from './is-self-referral.js';
