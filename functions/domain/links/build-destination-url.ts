/**
 * Builds the URL a shopper is sent to: the link's stored destination with the link's UTM and
 * custom parameters and (for a recorded click) `aff_click_id` merged into its query string.
 *
 * Merge rule: parameters already on the destination are kept, in order; a parameter we add
 * replaces every existing occurrence of the same name (ours win), so a destination that already
 * carries `utm_source=old` ends with exactly one `utm_source`. Precedence among ours, lowest
 * first: custom parameters, UTM parameters, then `aff_click_id` and `aff_cw` (which nothing may override).
 */
export const CLICK_ID_PARAM = 'aff_click_id';
/**
 * The campaign's cookie window in whole days, added next to the click id so the merchant's
 * tracking script (functions/tracking-script) keeps the click id as long as the click can earn.
 */
export const COOKIE_WINDOW_PARAM = 'aff_cw';

export interface BuildDestinationUrlInput {
  destinationUrl: string | URL;
  utmParams?: Readonly<Record<string, string>>;
  customParams?: Readonly<Record<string, string>>;
  /** The recorded click's id; omitted for bots, previews and HEAD requests (nothing recorded). */
  clickId?: string;
  /** The campaign's cookie window in days; sent only with a click id. */
  cookieWindowDays?: number;
}

/** Returns the final destination as a string; throws `TypeError` if `destinationUrl` is not an absolute URL. */
export function buildDestinationUrl({ destinationUrl, utmParams, customParams, clickId, cookieWindowDays }: BuildDestinationUrlInput): string {
  const url = new URL(destinationUrl.toString());
  const ours = new Map<string, string>();
  for (const [key, value] of Object.entries(customParams ?? {})) ours.set(key, value);
  for (const [key, value] of Object.entries(utmParams ?? {})) ours.set(key, value);
  if (clickId !== undefined) ours.set(CLICK_ID_PARAM, clickId);
  if (clickId !== undefined && cookieWindowDays !== undefined) ours.set(COOKIE_WINDOW_PARAM, String(Math.max(0, Math.trunc(cookieWindowDays))));
  for (const [key, value] of ours) {
    if (key === '') continue;
    url.searchParams.set(key, value);
  }
  return url.toString();
}
