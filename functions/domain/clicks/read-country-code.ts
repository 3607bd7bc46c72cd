/**
 * The visitor's country from CloudFront's `CloudFront-Viewer-Country` header (ISO 3166-1 alpha-2).
 * Anything that is not two letters is dropped rather than stored; CloudFront's `XX`/`T1`-style
 * placeholders for unknown or Tor traffic therefore become null or `XX` only if two letters.
 */
export function readCountryCode(header: string | undefined | null): string | null {
  if (!header) return null;
  const code = header.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) ? code : null;
}
