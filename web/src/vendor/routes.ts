/** The vendor dashboard's pages, relative to /app/ (the shell adds them to its router and navigation). */
import type { AppRoute } from '../routes';
import { ApplicationsPage } from './applications-page';
import { ConversionPage, ConversionsPage } from './conversions-page';

export const vendorRoutes: AppRoute[] = [
  { path: 'vendor/applications', title: 'Applications', role: 'vendor', component: ApplicationsPage, nav: true },
  { path: 'vendor/conversions', title: 'Conversions', role: 'vendor', component: ConversionsPage, nav: true },
  { path: 'vendor/conversions/:conversion_id', title: 'Conversion', role: 'vendor', component: ConversionPage },
];
