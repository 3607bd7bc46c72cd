/** The operator console's pages, relative to /app/ (the shell adds them to its router and navigation). */
import type { AppRoute } from '../routes';
import { PartnersPage } from './partners-page';
import { PayoutsPage } from './payouts-page';

export const operatorRoutes: AppRoute[] = [
  { path: 'operator/partners', title: 'Partners', role: 'operator', component: PartnersPage, nav: true },
  { path: 'operator/payouts', title: 'Payouts', role: 'operator', component: PayoutsPage, nav: true },
];
