/**
 * Campaign status: active <-> paused, and either -> archived (final). Repeating the current
 * status is a no-op, not an error.
 */
export type CampaignStatus = 'active' | 'paused' | 'archived';
export type CampaignAction = 'pause' | 'resume' | 'archive';

const targets: Record<CampaignAction, { from: CampaignStatus[]; to: CampaignStatus }> = {
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  archive: { from: ['active', 'paused'], to: 'archived' },
};

export type CampaignTransition = { ok: true; to: CampaignStatus; changed: boolean } | { ok: false; reason: string };

export function transitionCampaign({ from, action }: { from: string; action: CampaignAction }): CampaignTransition {
  const rule = targets[action];
  if (from === rule.to) return { ok: true, to: rule.to, changed: false };
  if (rule.from.includes(from as CampaignStatus)) return { ok: true, to: rule.to, changed: true };
  return { ok: false, reason: `A campaign that is ${from} cannot be ${rule.to}.` };
}
