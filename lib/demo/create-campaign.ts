import type { DemoHttp } from './demo-http.js';

/** The vendor's campaign (`body` as `POST /v1/campaigns` takes it) through the API, as `step` of the caller's run. */
export function createCampaign<Created = { campaign_id: number }>(http: DemoHttp, vendorKey: string, body: Record<string, unknown>, step = 'create the campaign'): Promise<Created> {
  return http.json<Created>({ step, method: 'POST', path: '/v1/campaigns', token: vendorKey, body });
}
