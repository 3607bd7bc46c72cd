/**
 * Every area of the management API. Adding an area = one route module in this folder (exporting
 * an array of `defineRoute(...)`) + its import and its entry below.
 */
import type { AnyRoute } from '../../platform/http/route.js';
import { adminRoutes } from './admin.js';
import { adminQueueRoutes } from './admin-queues-routes.js';
import { apiKeyRoutes } from './api-keys.js';
import { authRoutes } from './auth-routes.js';
import { auditLogRoutes } from './audit-logs-routes.js';
import { campaignRoutes } from './campaigns.js';
import { commissionRuleRoutes } from './commission-rules-routes.js';
import { contentPieceRoutes } from './content-pieces-routes.js';
import { conversionRoutes } from './conversions-routes.js';
import { conversionReviewRoutes } from './conversion-review-routes.js';
import { emailRoutes } from './email-routes.js';
import { enrollmentRoutes } from './enrollments.js';
import { erasureRoutes } from './erasure-routes.js';
import { jobRoutes } from './jobs-routes.js';
import { integrationRoutes } from './integrations-routes.js';
import { leadRoutes } from './leads-routes.js';
import { linkRoutes } from './links.js';
import { milestoneRoutes } from './milestones-routes.js';
import { openapiRoutes } from './openapi.js';
import { overrideRoutes } from './overrides-routes.js';
import { partnerTypeRoutes } from './partner-types-routes.js';
import { partnerRoutes } from './partner.js';
import { partnerActivityRoutes } from './partner-activity-routes.js';
import { paymentMethodRoutes } from './payment-methods-routes.js';
import { payoutRoutes } from './payouts-routes.js';
import { profileRoutes } from './profiles.js';
import { reportRoutes } from './reports-routes.js';
import { rewardRoutes } from './rewards-routes.js';
import { vendorUserRoutes } from './vendor-users.js';

export const routeModules: Record<string, AnyRoute[]> = {
  openapi: openapiRoutes,
  admin: adminRoutes,
  auth: authRoutes,
  email: emailRoutes,
  adminQueues: adminQueueRoutes,
  campaigns: campaignRoutes,
  enrollments: enrollmentRoutes,
  partner: partnerRoutes,
  partnerActivity: partnerActivityRoutes,
  links: linkRoutes,
  vendorUsers: vendorUserRoutes,
  apiKeys: apiKeyRoutes,
  conversions: conversionRoutes,
  integrations: integrationRoutes,
  reports: reportRoutes,
  profiles: profileRoutes,
  paymentMethods: paymentMethodRoutes,
  payouts: payoutRoutes,
  conversionReview: conversionReviewRoutes,
  erasure: erasureRoutes,
  jobs: jobRoutes,
  overrides: overrideRoutes,
  commissionRules: commissionRuleRoutes,
  rewards: rewardRoutes,
  milestones: milestoneRoutes,
  leads: leadRoutes,
  contentPieces: contentPieceRoutes,
  partnerTypes: partnerTypeRoutes,
  auditLogs: auditLogRoutes,
};

export const allRoutes: AnyRoute[] = Object.values(routeModules).flat();
