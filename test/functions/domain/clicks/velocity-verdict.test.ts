import { describe, expect, it } from 'vitest';
import { velocityVerdict } from '../../../../functions/domain/clicks/velocity-verdict.js';

describe('velocityVerdict', () => {
  const limits = { perVisitorPerLink: 10, perIpPerLink: 60 };
  it.each([
    [{ visitor: 1, ip: 1 }, null],
    [{ visitor: 10, ip: 60 }, null], // the 10th request of the visitor is still a click
    [{ visitor: 11, ip: 11 }, 'visitor'],
    [{ visitor: 1, ip: 61 }, 'ip'],
    [{ visitor: 0, ip: 61 }, 'ip'], // prefix over its cap: the visitor was not counted
    [{ visitor: 11, ip: 61 }, 'visitor'],
  ] as const)('%j -> %s', (counts, verdict) => {
    expect(velocityVerdict({ counts, limits })).toBe(verdict);
  });

  it('turns a rule off with 0', () => {
    expect(velocityVerdict({ counts: { visitor: 500, ip: 500 }, limits: { perVisitorPerLink: 0, perIpPerLink: 0 } })).toBeNull();
    expect(velocityVerdict({ counts: { visitor: 500, ip: 500 }, limits: { perVisitorPerLink: 0, perIpPerLink: 600 } })).toBeNull();
  });
});
