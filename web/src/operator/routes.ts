/** The operator console's pages, relative to /app/ (the shell adds them to its router and navigation). */
import type { AppRoute } from '../routes';
import { OperatorHomePage } from './operator-home-page';
import { PartnersPage } from './partners-page';
import { PaymentMethodsPage } from './payment-methods-page';
import { PayoutsPage } from './payouts-page';
import { SystemPage } from './system-page';
import { VendorsPage } from './vendors-page';
import { AuditPage } from '../vendor/audit-page';

export const operatorRoutes: AppRoute[] = [
  { path: 'operator', title: 'Console', role: 'operator', component: OperatorHomePage, nav: true },
  { path: 'operator/partners', title: 'Partners', role: 'operator', component: PartnersPage, nav: true },
  { path: 'operator/vendors', title: 'Vendors', role: 'operator', component: VendorsPage, nav: true },
  { path: 'operator/payment-methods', title: 'Payment methods', role: 'operator', component: PaymentMethodsPage, nav: true },
  { path: 'operator/payouts', title: 'Payouts', role: 'operator', component: PayoutsPage, nav: true },
  { path: 'operator/system', title: 'System', role: 'operator', component: SystemPage, nav: true },
  { path: 'operator/audit', title: 'Audit trail', role: 'operator', component: AuditPage, nav: true },
];
