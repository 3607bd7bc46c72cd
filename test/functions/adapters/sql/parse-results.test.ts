import { describe, expect, it } from 'vitest';
import {
  parseArrayLiteral,
  parseInt8,
  parseTimestamp,
  textParserFor,
} from '../../../../functions/adapters/sql/parse-results.js';

describe('parseTimestamp', () => {
  it.each([
    ['2024-01-15 10:00:00', '2024-01-15T10:00:00.000Z'],
    ['2024-01-15 10:00:00.1', '2024-01-15T10:00:00.100Z'],
    ['2024-01-15 10:00:00.123456', '2024-01-15T10:00:00.123Z'],
    ['2024-01-15 10:00:00+00', '2024-01-15T10:00:00.000Z'],
    ['2024-01-15 12:30:00+02:30', '2024-01-15T10:00:00.000Z'],
    ['2024-01-15 05:00:00-05', '2024-01-15T10:00:00.000Z'],
    ['2024-01-01 00:30:00+01', '2023-12-31T23:30:00.000Z'],
    ['0044-03-15 12:00:00', '0044-03-15T12:00:00.000Z'],
    ['infinity', 'infinity'],
    ['-infinity', '-infinity'],
  ])('%s -> %s', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });
});

describe('parseInt8', () => {
  it('returns safe integers as numbers and refuses the rest', () => {
    expect(parseInt8('-9007199254740991')).toBe(-9007199254740991);
    expect(() => parseInt8('9007199254740992')).toThrow(RangeError);
  });
});

describe('parseArrayLiteral', () => {
  it.each([
    ['{}', []],
    ['{1,2,3}', ['1', '2', '3']],
    ['{"a,b","c\\"d","e\\\\f",NULL,"NULL"}', ['a,b', 'c"d', 'e\\f', null, 'NULL']],
    ['{{1,2},{3,4}}', [['1', '2'], ['3', '4']]],
    ['[0:1]={7,8}', ['7', '8']],
  ])('%s', (literal, expected) => {
    expect(parseArrayLiteral(literal, (value) => value)).toEqual(expected);
  });

  it('parses elements with the element parser (int8[] to numbers)', () => {
    expect(textParserFor(1016)?.('{1,NULL,3}')).toEqual([1, null, 3]);
  });

  it('refuses a malformed literal', () => {
    expect(() => parseArrayLiteral('1,2', (value) => value)).toThrow(SyntaxError);
  });
});
