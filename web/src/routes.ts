/**
 * Every page of the app, by role. The shell concatenates the three lists; each area owns its own
 * file. Paths are relative to `/app/` and may hold `:name` parameters.
 */
import type { ComponentType } from 'preact';
import { operatorRoutes } from './operator/routes';
import { partnerRoutes } from './partner/routes';
import { vendorRoutes } from './vendor/routes';

export type AppRole = 'partner' | 'vendor' | 'operator';

export interface AppRoute {
  path: string;
  title: string;
  role: AppRole;
  component: ComponentType<{ params: Record<string, string> }>;
  /** Listed in the role's navigation. */
  nav?: boolean;
}

export const appRoutes: AppRoute[] = [...partnerRoutes, ...vendorRoutes, ...operatorRoutes];

/** The route and its parameters for `path` (relative to `/app/`, no leading slash), for `role`. */
export function matchAppRoute(
  routes: readonly AppRoute[],
  role: AppRole,
  path: string,
): { route: AppRoute; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.role !== role) continue;
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((segment, i) => {
      const part = parts[i]!;
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = decodeURIComponent(part);
        return true;
      }
      return segment === part;
    });
    if (matches) return { route, params };
  }
  return undefined;
}
