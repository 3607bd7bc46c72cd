import { describe, expect, test } from 'vitest';
import {
  ConversionTransitionError,
  transitionConversion,
  type ConversionAction,
  type ConversionStatus,
} from '../../../../functions/domain/payouts/transition-conversion.js';

const allowed: Array<[ConversionStatus, ConversionAction, ConversionStatus]> = [
  ['pending', 'approve', 'approved'],
  ['approved', 'pay', 'paid'],
  ['pending', 'reject', 'rejected'],
  ['approved', 'reject', 'rejected'],
];
const refused: Array<[ConversionStatus, ConversionAction]> = [
  ['pending', 'pay'], // never paid without approval
  ['approved', 'approve'],
  ['paid', 'approve'],
  ['paid', 'pay'],
  ['paid', 'reject'], // money that left is clawed back by an adjustment instead
  ['rejected', 'approve'],
  ['rejected', 'pay'],
  ['rejected', 'reject'],
];

describe('transitionConversion', () => {
  test.each(allowed)('%s --%s--> %s', (from, action, to) => {
    expect(transitionConversion(from, action)).toBe(to);
  });

  test.each(refused)('%s --%s--> refused', (from, action) => {
    expect(() => transitionConversion(from, action)).toThrow(ConversionTransitionError);
    expect(() => transitionConversion(from, action)).toThrow(`cannot ${action} a ${from} conversion`);
  });
});
