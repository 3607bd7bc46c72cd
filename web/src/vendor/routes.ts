/** The vendor dashboard's pages (web-console fills this list). */
import type { AppRoute } from '../routes';

export const vendorRoutes: AppRoute[] = [];
