/** The partner portal's pages. */
import type { AppRoute } from '../routes';
import { PartnerApiKeysPage } from './api-keys-page';
import { PartnerCampaignsPage } from './campaigns-page';
import { PartnerConversionsPage } from './conversions-page';
import { PartnerDashboardPage } from './dashboard-page';
import { PartnerLinksPage } from './links-page';
import { PartnerPaymentMethodsPage } from './payment-methods-page';
import { PartnerPayoutsPage } from './payouts-page';

export const partnerRoutes: AppRoute[] = [
  { path: 'partner', title: 'Dashboard', role: 'partner', component: PartnerDashboardPage, nav: true },
  { path: 'partner/campaigns', title: 'Campaigns', role: 'partner', component: PartnerCampaignsPage, nav: true },
  { path: 'partner/links', title: 'Links', role: 'partner', component: PartnerLinksPage, nav: true },
  { path: 'partner/conversions', title: 'Conversions', role: 'partner', component: PartnerConversionsPage, nav: true },
  { path: 'partner/payouts', title: 'Payouts', role: 'partner', component: PartnerPayoutsPage, nav: true },
  { path: 'partner/payment-methods', title: 'Payment methods', role: 'partner', component: PartnerPaymentMethodsPage, nav: true },
  { path: 'partner/api-keys', title: 'API keys', role: 'partner', component: PartnerApiKeysPage, nav: true },
];
