/** The partner portal's pages. */
import type { AppRoute } from '../routes';

export const partnerRoutes: AppRoute[] = [];
