/** The operator console's pages (web-console fills this list). */
import type { AppRoute } from '../routes';

export const operatorRoutes: AppRoute[] = [];
