import type { RouteDeclaration } from '../resources.js';

export interface RouteMatch {
  route: RouteDeclaration;
  /** API Gateway's route key, e.g. `GET /{short_code}` or `ANY /v1/{proxy+}`. */
  routeKey: string;
  /** Decoded path parameters by name (`proxy` for `{proxy+}`); empty when the route has none. */
  pathParameters: Record<string, string>;
}

type SegmentKind = 'static' | 'param' | 'greedy';

/** Rank of a segment kind: API Gateway prefers a static segment over `{param}` over `{proxy+}`. */
const segmentRank: Record<SegmentKind, number> = { static: 2, param: 1, greedy: 0 };

interface Candidate {
  match: RouteMatch;
  ranks: number[];
  methodSpecific: boolean;
}

function kindOf(segment: string): SegmentKind {
  if (/^\{[^{}]+\+\}$/.test(segment)) return 'greedy';
  if (/^\{[^{}]+\}$/.test(segment)) return 'param';
  return 'static';
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function matchPath(routePath: string, requestSegments: string[]): { ranks: number[]; params: Record<string, string> } | undefined {
  const routeSegments = routePath.split('/').slice(1);
  const ranks: number[] = [];
  const params: Record<string, string> = {};
  for (let index = 0; index < routeSegments.length; index += 1) {
    const segment = routeSegments[index]!;
    const kind = kindOf(segment);
    ranks.push(segmentRank[kind]);
    if (kind === 'greedy') {
      const rest = requestSegments.slice(index);
      // A greedy variable needs at least one non-empty segment, as on API Gateway.
      if (rest.length === 0 || rest.every((part) => part === '')) return undefined;
      params[segment.slice(1, -2)] = safeDecode(rest.join('/'));
      return { ranks, params };
    }
    const requested = requestSegments[index];
    if (requested === undefined) return undefined;
    if (kind === 'static') {
      if (requested !== segment) return undefined;
    } else {
      if (requested === '') return undefined;
      params[segment.slice(1, -1)] = safeDecode(requested);
    }
  }
  return requestSegments.length === routeSegments.length ? { ranks, params } : undefined;
}

function compareCandidates(a: Candidate, b: Candidate): number {
  const length = Math.max(a.ranks.length, b.ranks.length);
  for (let index = 0; index < length; index += 1) {
    const difference = (b.ranks[index] ?? -1) - (a.ranks[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return Number(b.methodSpecific) - Number(a.methodSpecific);
}

/**
 * Resolves a request to one declared route the way API Gateway HTTP APIs do: the most specific
 * path wins segment by segment (static over `{param}` over `{proxy+}`), then a route for the
 * exact method wins over `ANY`. Declaration order does not matter.
 */
export function matchRoute(options: { routes: readonly RouteDeclaration[]; method: string; path: string }): RouteMatch | undefined {
  const method = options.method.toUpperCase();
  const requestSegments = options.path.split('/').slice(1);
  const candidates: Candidate[] = [];
  for (const route of options.routes) {
    if (route.method !== 'ANY' && route.method !== method) continue;
    const matched = matchPath(route.path, requestSegments);
    if (!matched) continue;
    candidates.push({
      match: { route, routeKey: `${route.method} ${route.path}`, pathParameters: matched.params },
      ranks: matched.ranks,
      methodSpecific: route.method !== 'ANY',
    });
  }
  candidates.sort(compareCandidates);
  return candidates[0]?.match;
}
