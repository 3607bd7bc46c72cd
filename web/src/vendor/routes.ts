/** The vendor dashboard's pages, relative to /app/ (the shell adds them to its router and navigation). */
import type { AppRoute } from '../routes';
import { ApplicationsPage } from './applications-page';
import { AuditPage } from './audit-page';
import { CampaignPage, CampaignsPage } from './campaigns-page';
import { ConversionPage, ConversionsPage } from './conversions-page';
import { IntegrationsPage } from './integrations-page';
import { ReportsPage } from './reports-page';
import { RulesPage } from './rules-page';
import { ApiKeysPage, TeamPage } from './team-page';
import { VendorHomePage } from './vendor-home-page';

export const vendorRoutes: AppRoute[] = [
  { path: 'vendor', title: 'Dashboard', role: 'vendor', component: VendorHomePage, nav: true },
  { path: 'vendor/campaigns', title: 'Campaigns', role: 'vendor', component: CampaignsPage, nav: true },
  { path: 'vendor/campaigns/:campaign_id', title: 'Campaign', role: 'vendor', component: CampaignPage },
  { path: 'vendor/applications', title: 'Applications', role: 'vendor', component: ApplicationsPage, nav: true },
  { path: 'vendor/conversions', title: 'Conversions', role: 'vendor', component: ConversionsPage, nav: true },
  { path: 'vendor/conversions/:conversion_id', title: 'Conversion', role: 'vendor', component: ConversionPage },
  { path: 'vendor/reports', title: 'Reports', role: 'vendor', component: ReportsPage, nav: true },
  { path: 'vendor/rules', title: 'Commission rules', role: 'vendor', component: RulesPage, nav: true },
  { path: 'vendor/integrations', title: 'Integrations', role: 'vendor', component: IntegrationsPage, nav: true },
  { path: 'vendor/team', title: 'Team', role: 'vendor', component: TeamPage, nav: true },
  { path: 'vendor/api-keys', title: 'API keys', role: 'vendor', component: ApiKeysPage, nav: true },
  { path: 'vendor/audit', title: 'Audit trail', role: 'vendor', component: AuditPage, nav: true },
];
