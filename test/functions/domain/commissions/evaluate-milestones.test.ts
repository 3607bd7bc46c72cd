import { describe, it, expect } from 'vitest';
import { evaluateMilestones, type Milestone } from '../../../../functions/domain/commissions/index.js';

const firstSale: Milestone = { campaignMilestoneId: 1, name: 'First Sale Bonus', eventType: 'sale', targetCount: 1, rewardId: 21, rewardValue: '50.00' };
const century: Milestone = { campaignMilestoneId: 2, name: 'Century Club', eventType: 'sale', targetCount: 100, rewardId: 22, rewardValue: '1000.00' };
const signups: Milestone = { campaignMilestoneId: 3, name: '10 signups', eventType: 'signup', targetCount: 10, rewardId: 23 };
const milestones = [firstSale, century, signups];

describe('evaluateMilestones', () => {
  it.each<[string, Record<string, number>, Record<string, number>, number[], number[]]>([
    ['the first sale reaches "First Sale Bonus" ($50.00)', {}, { sale: 1 }, [], [1]],
    ['the second sale reaches nothing', { sale: 1 }, { sale: 2 }, [1], []],
    ['the 100th sale reaches "Century Club" ($1,000.00)', { sale: 99 }, { sale: 100 }, [1], [2]],
    ['the 101st sale reaches nothing', { sale: 100 }, { sale: 101 }, [1, 2], []],
    ['a jump past several targets reaches all of them', { sale: 0 }, { sale: 150 }, [], [1, 2]],
    ['never twice: already awarded stays awarded, even after a refund and a re-climb', { sale: 99 }, { sale: 100 }, [1, 2], []],
    ['other event types count separately', { sale: 5, signup: 9 }, { sale: 5, signup: 10 }, [1], [3]],
    ['no change reaches nothing', { sale: 100 }, { sale: 100 }, [], []],
  ])('%s', (_label, countsBefore, countsAfter, alreadyAwarded, reached) => {
    const result = evaluateMilestones({ milestones, countsBefore, countsAfter, alreadyAwarded });
    expect(result.map((r) => r.milestone.campaignMilestoneId)).toEqual(reached);
  });

  it('gives the flat bonus in cents when the reward amount is known', () => {
    expect(evaluateMilestones({ milestones, countsBefore: {}, countsAfter: { sale: 1, signup: 10 }, alreadyAwarded: [] })).toEqual([
      { milestone: firstSale, bonusCents: 5000n },
      { milestone: signups, bonusCents: null },
    ]);
  });

  it('replaying the same conversion after recording the award fires nothing', () => {
    const first = evaluateMilestones({ milestones, countsBefore: { sale: 0 }, countsAfter: { sale: 1 }, alreadyAwarded: [] });
    const awarded = first.map((r) => r.milestone.campaignMilestoneId);
    expect(evaluateMilestones({ milestones, countsBefore: { sale: 0 }, countsAfter: { sale: 1 }, alreadyAwarded: awarded })).toEqual([]);
  });
});
