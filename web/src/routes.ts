/**
 * Every page of the app, by role: each area owns its own list (partner/, vendor/, operator/
 * routes.ts); the shell loads the signed-in role's. Paths are relative to `/app/` and may hold
 * `:name` parameters.
 */
import type { ComponentType } from 'preact';

export type AppRole = 'partner' | 'vendor' | 'operator';

export interface AppRoute {
  path: string;
  title: string;
  role: AppRole;
  component: ComponentType<{ params: Record<string, string> }>;
  /** Listed in the role's navigation. */
  nav?: boolean;
}

/**
 * The pages of one role, loaded when someone of that role is signed in: each role's pages are a
 * chunk of their own, so a partner's phone never downloads the vendor dashboard.
 */
export async function loadRoutes(role: AppRole): Promise<AppRoute[]> {
  switch (role) {
    case 'partner':
      return (await import('./partner/routes')).partnerRoutes;
    case 'vendor':
      return (await import('./vendor/routes')).vendorRoutes;
    case 'operator':
      return (await import('./operator/routes')).operatorRoutes;
  }
}

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
