import { describe, it, expect } from 'vitest';
import { isSelfReferral, normaliseEmail } from '../../../../functions/domain/fraud/index.js';

describe('normaliseEmail', () => {
  it.each([
    ['Jane@Example.com', 'jane@example.com'],
    ['  jane@example.com \n', 'jane@example.com'],
    ['jane+aff123@example.com', 'jane@example.com'],
    ['jane.doe@example.com', 'jane.doe@example.com'], // dots matter outside Gmail
    ['Jane.Doe+promo@Gmail.com', 'janedoe@gmail.com'],
    ['j.a.n.e@googlemail.com', 'jane@gmail.com'],
    ['jane@gmail.com.', 'jane@gmail.com'],
    ['+tag@example.com', '+tag@example.com'], // an empty local part is not stripped to nothing
    ['not-an-email', 'not-an-email'],
    ['trailing@', 'trailing@'],
  ])('%j -> %j', (input, output) => {
    expect(normaliseEmail(input)).toBe(output);
  });
});

describe('isSelfReferral', () => {
  it.each<[string | null | undefined, string | null | undefined, boolean]>([
    ['partner@example.com', 'PARTNER@example.com', true],
    ['john.smith@gmail.com', 'JohnSmith+deal@googlemail.com', true],
    ['john.smith@example.com', 'johnsmith@example.com', false],
    ['partner@example.com', 'customer@example.com', false],
    ['partner@example.com', null, false],
    [undefined, 'customer@example.com', false],
    ['', '', false],
    ['  ', '  ', false],
  ])('partner %j, customer %j -> %s', (partnerEmail, customerEmail, expected) => {
    expect(isSelfReferral({ partnerEmail, customerEmail })).toBe(expected);
  });
});
