import { buildDestinationUrl } from './build-destination-url.js';
import { buildLinkDestination, type BuildLinkDestinationInput } from './build-link-destination.js';

/** The UTM values a click records: those of the final destination, each cut to 255 characters. */
export interface DestinationUtm {
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  utm_term: string | null;
}

function utmValue(destination: URL, name: string): string | null {
  const value = destination.searchParams.get(name);
  return value ? value.slice(0, 255) : null;
}

/** The UTM values of a destination URL (`aff_click_id` and `aff_cw` never change them). */
export function destinationUtm(destination: URL): DestinationUtm {
  return {
    utm_source: utmValue(destination, 'utm_source'),
    utm_medium: utmValue(destination, 'utm_medium'),
    utm_campaign: utmValue(destination, 'utm_campaign'),
    utm_content: utmValue(destination, 'utm_content'),
    utm_term: utmValue(destination, 'utm_term'),
  };
}

export interface PreparedLinkDestination {
  /** Where a request that records nothing (HEAD, bot, velocity) is sent. */
  withoutClick: string;
  /** Where a recorded click is sent: `buildDestinationUrl` with the click id and cookie window. */
  withClick(clickId: string): string;
  /** The UTM values every click on this link records. */
  utm: DestinationUtm;
}

export type PrepareLinkDestinationResult = { ok: true; destination: PreparedLinkDestination } | { ok: false; reason: string };

/**
 * Characters the query serializer (application/x-www-form-urlencoded) writes unchanged: a click id
 * made only of them (every UUID) appears in the final URL exactly as given.
 */
const VERBATIM_IN_QUERY = /^[A-Za-z0-9*._-]+$/;
/** Stands in for the click id while the URL is built once; contains only verbatim characters. */
const CLICK_ID_PLACEHOLDER = 'aff0click0id0placeholder0d3c1b9e';

/**
 * What the redirect needs of a link's destination, computed once per link rather than per
 * request: the same rule (`buildLinkDestination`) and the same URLs (`buildDestinationUrl`) as
 * before, with the URL for a click built once around a placeholder and the click id spliced in
 * where the placeholder stood. The splice gives the same string as building the URL again,
 * because the serializer writes such an id as itself and nothing else in the URL depends on its
 * value; an id with any other character (a stored repeat's id is data) takes the full build.
 */
export function prepareLinkDestination(
  input: BuildLinkDestinationInput & { cookieWindowDays: number },
): PrepareLinkDestinationResult {
  const checked = buildLinkDestination(input);
  if (!checked.ok) return { ok: false, reason: checked.reason };
  const merged = checked.url;
  const { cookieWindowDays } = input;
  const build = (clickId: string) => buildDestinationUrl({ destinationUrl: merged, clickId, cookieWindowDays });
  const withoutClick = buildDestinationUrl({ destinationUrl: merged });

  const template = build(CLICK_ID_PLACEHOLDER);
  const marker = `=${CLICK_ID_PLACEHOLDER}`;
  const at = template.indexOf(marker);
  // The placeholder found once, right after a parameter's `=`: otherwise (it was already in the
  // destination) every click takes the full build.
  const splice = at !== -1 && at === template.lastIndexOf(marker);
  const prefix = template.slice(0, at + 1);
  const suffix = template.slice(at + marker.length);
  return {
    ok: true,
    destination: {
      withoutClick,
      withClick: (clickId) => (splice && VERBATIM_IN_QUERY.test(clickId) ? prefix + clickId + suffix : build(clickId)),
      utm: destinationUtm(new URL(withoutClick)),
    },
  };
}
