import { DemoStepError, type DemoHttp } from './demo-http.js';
import type { PlannedVisitor } from './plan-demo-traffic.js';

export interface ObservedStep {
  status: number;
  clickId: string | null;
}

/** Plays one visitor: its steps in order, carrying the `aff_cid` cookie like a browser. */
export async function playVisitor(http: DemoHttp, visitor: PlannedVisitor, codes: readonly string[]): Promise<ObservedStep[]> {
  let cookie: string | undefined;
  const observed: ObservedStep[] = [];
  for (const step of visitor.steps) {
    const response = await http.fetch(`/${codes[step.link]}`, {
      method: step.method,
      headers: { 'user-agent': visitor.userAgent, ...(cookie ? { cookie } : {}) },
    });
    await response.body?.cancel();
    if (response.status !== 302) throw new DemoStepError(`click: ${step.method} /${codes[step.link]} (${visitor.name}) answered ${response.status}, expected 302`);
    const location = response.headers.get('location');
    const clickId = location ? new URL(location).searchParams.get('aff_click_id') : null;
    for (const setCookie of response.headers.getSetCookie()) {
      const pair = /^(aff_cid=[^;]+)/.exec(setCookie);
      if (pair) cookie = pair[1];
    }
    observed.push({ status: response.status, clickId });
  }
  return observed;
}
