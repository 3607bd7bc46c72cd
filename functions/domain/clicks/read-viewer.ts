import { createHash, timingSafeEqual } from 'node:crypto';

/** The origin custom header CloudFront adds to every request it forwards to the API. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * The viewer's bare address, as the web app distribution's viewer-request function writes it
 * (`event.viewer.ip`, lib/stacks/web-app-stack.ts): that behaviour forwards every viewer header
 * but Host, and a CloudFront policy cannot add `CloudFront-Viewer-Address` to "all but Host".
 */
export const TRUE_CLIENT_IP_HEADER = 'true-client-ip';

export interface Viewer {
  /** The visitor's full address (truncated later, before anything is stored). */
  sourceIp: string | null;
  /** CloudFront's `CloudFront-Viewer-Country`, only on a verified request. */
  viewerCountry: string | null;
  /** True when the request proved it came through our CloudFront. */
  verified: boolean;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The accepted values are the same one or two secrets on every request: their digests are kept. */
const acceptedDigests = new Map<string, Buffer>();
const ACCEPTED_DIGESTS_LIMIT = 8;

function acceptedDigest(value: string): Buffer {
  const known = acceptedDigests.get(value);
  if (known) return known;
  const computed = digest(value);
  if (acceptedDigests.size >= ACCEPTED_DIGESTS_LIMIT) acceptedDigests.clear();
  acceptedDigests.set(value, computed);
  return computed;
}

/** Constant-time comparison (equal-length digests), so the secret cannot be guessed byte by byte. */
function matchesAny(candidate: string, accepted: readonly string[]): boolean {
  const presented = digest(candidate);
  let matched = false;
  for (const value of accepted) matched = timingSafeEqual(presented, acceptedDigest(value)) || matched;
  return matched;
}

/** `ip:port`, `[v6]:port` or a bare address, as CloudFront writes `CloudFront-Viewer-Address`. */
function addressOf(viewerAddress: string | undefined): string | null {
  if (!viewerAddress) return null;
  const separator = viewerAddress.lastIndexOf(':');
  const ip = (separator === -1 ? viewerAddress : viewerAddress.slice(0, separator)).replace(/^\[|\]$/g, '');
  return ip || null;
}

/**
 * Who the visitor is. CloudFront's `CloudFront-Viewer-Address` (or `True-Client-IP`, above) and
 * `CloudFront-Viewer-Country` are evidence only on a request carrying an accepted origin-verify secret: anyone can send those
 * headers to the API directly (or to the local gateway), and believing them would let a script
 * mint unlimited "distinct visitors" and countries. Without the secret the visitor is the
 * connection's source address (API Gateway's `requestContext.http.sourceIp`) and the country is
 * unknown. `X-Forwarded-For` is never trusted: its first entry is the client's to write.
 *
 * `headers` have lower-case names.
 */
export function readViewer({
  headers,
  sourceIp,
  acceptedSecrets,
}: {
  headers: Readonly<Record<string, string | undefined>>;
  sourceIp: string | undefined;
  acceptedSecrets: readonly string[];
}): Viewer {
  const presented = headers[ORIGIN_VERIFY_HEADER];
  const verified = presented !== undefined && presented.length > 0 && acceptedSecrets.length > 0 && matchesAny(presented, acceptedSecrets);
  if (!verified) return { sourceIp: sourceIp ?? null, viewerCountry: null, verified: false };
  return {
    // A bare address in True-Client-IP: no port to strip (an IPv6 address has colons of its own).
    sourceIp: addressOf(headers['cloudfront-viewer-address']) ?? (headers[TRUE_CLIENT_IP_HEADER]?.trim() || null) ?? sourceIp ?? null,
    viewerCountry: headers['cloudfront-viewer-country'] ?? null,
    verified: true,
  };
}
