/**
 * Every area of the management API. Adding an area = one route module in this folder (exporting
 * an array of `defineRoute(...)`) + its import and entry below.
 */
import type { AnyRoute } from '../../platform/http/route.js';
import { adminRoutes } from './admin.js';
import { openapiRoutes } from './openapi.js';

export const routeModules: Record<string, AnyRoute[]> = {
  openapi: openapiRoutes,
  admin: adminRoutes,
};

export const allRoutes: AnyRoute[] = Object.values(routeModules).flat();
