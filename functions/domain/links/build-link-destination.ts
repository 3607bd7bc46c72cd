import { buildDestinationUrl } from './build-destination-url.js';
import { validateDestinationUrl } from './validate-destination-url.js';

export interface BuildLinkDestinationInput {
  /** The campaign's destination or the link's deep link (or, at redirect time, the stored full URL). */
  destinationUrl: string;
  utmParams?: Readonly<Record<string, string>>;
  customParams?: Readonly<Record<string, string>>;
}

/** Which of the link's inputs made the destination unacceptable. */
export type LinkDestinationField =
  | { kind: 'destination' }
  | { kind: 'utm_params'; name: string }
  | { kind: 'custom_params'; name: string }
  /** The parameters together (the merged URL grew past the length limit). */
  | { kind: 'parameters' };

export type BuildLinkDestinationResult =
  | { ok: true; url: URL }
  | { ok: false; reason: string; field: LinkDestinationField };

/**
 * The one rule for a link's destination, applied when the link is created and again by the
 * redirect: the destination with the link's UTM and custom parameters merged in must pass
 * `validateDestinationUrl`. Checking the bare destination is not enough: a parameter whose value
 * is a URL (`custom_params: { next: "https://elsewhere" }`) turns the merged URL into an open
 * redirect shape, which the redirect refuses; refusing it at creation names the field instead of
 * handing out a link whose every click is a 404.
 */
export function buildLinkDestination({ destinationUrl, utmParams, customParams }: BuildLinkDestinationInput): BuildLinkDestinationResult {
  const destination = validateDestinationUrl(destinationUrl);
  if (!destination.ok) return { ok: false, reason: destination.reason, field: { kind: 'destination' } };
  const merged = validateDestinationUrl(buildDestinationUrl({ destinationUrl: destination.url, utmParams, customParams }));
  if (merged.ok) return merged;
  // Ours win on a name clash (buildDestinationUrl), so the merged value came from the link's own parameters.
  const name = merged.parameter;
  if (name !== undefined && utmParams && Object.hasOwn(utmParams, name)) return { ok: false, reason: merged.reason, field: { kind: 'utm_params', name } };
  if (name !== undefined && customParams && Object.hasOwn(customParams, name)) return { ok: false, reason: merged.reason, field: { kind: 'custom_params', name } };
  return { ok: false, reason: merged.reason, field: { kind: 'parameters' } };
}
