/**
 * Property tests for the two SQL scanners: whatever quoted text, dollar quotes and comments
 * surround them, only real `:name` parameters are rewritten and only real `;` split statements.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileNamedParameters } from '../../../../functions/adapters/sql/named-parameters.js';
import { splitSqlStatements } from '../../../../functions/adapters/sql/split-sql-statements.js';

// Text that tempts the scanners: colons, semicolons, quotes, dollars, comment markers.
const tricky = fc.string({ unit: fc.constantFrom('a', 'b', ':', ';', "'", '"', '$', '-', '*', '/', ' ', '\n', '\\', 'x') });

// Text that can sit inside a block comment: no closing marker, and no opening one either
// (PostgreSQL nests block comments). Removing one marker can join its neighbours into another
// (slash slash star star becomes slash star), so repeat until none is left.
function commentBody(text: string): string {
  let body = text;
  for (let previous = ''; previous !== body; ) {
    previous = body;
    body = body.replace(/\*\//g, '').replace(/\/\*/g, '').replace(/\/$/, '');
  }
  return body;
}

/** Opaque segments: each must come out of both scanners untouched. */
const opaque = fc.oneof(
  tricky.map((text) => `'${text.replace(/'/g, "''")}'`),
  tricky.map((text) => `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`),
  tricky.map((text) => `"${text.replace(/"/g, '""')}"`),
  tricky.filter((text) => !text.includes('$q$')).map((text) => `$q$${text}$q$`),
  tricky.filter((text) => !text.includes('$$')).map((text) => `$$${text}$$`),
  tricky.map((text) => `/* ${commentBody(text)} */`),
  tricky.map((text) => `-- ${text.replace(/\n/g, ' ')}\n`),
  fc.constantFrom('x::text', 'now()::timestamptz', 'arr[1:2]', '1'),
);

const parameterName = fc.constantFrom('a', 'vendor_id', 'cookieId', 'x1');

type Segment = { kind: 'opaque'; text: string } | { kind: 'param'; name: string };

const segment: fc.Arbitrary<Segment> = fc.oneof(
  opaque.map((text) => ({ kind: 'opaque' as const, text })),
  parameterName.map((name) => ({ kind: 'param' as const, name })),
);

describe('SQL scanners (properties)', () => {
  it('rewrite exactly the parameters, numbering each distinct name once', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), (segments) => {
        const sql = segments.map((part) => (part.kind === 'param' ? `:${part.name}` : part.text)).join(' ');
        const names: string[] = [];
        const expectedText = segments
          .map((part) => {
            if (part.kind === 'opaque') return part.text;
            if (!names.includes(part.name)) names.push(part.name);
            return `$${names.indexOf(part.name) + 1}`;
          })
          .join(' ');
        const compiled = compileNamedParameters(sql);
        expect(compiled.names).toEqual(names);
        expect(compiled.text).toBe(expectedText);
      }),
      { numRuns: 300 },
    );
  });

  it('split statements only on semicolons outside quotes and comments', () => {
    const statement = fc
      .array(opaque, { minLength: 1, maxLength: 5 })
      .map((parts) => `SELECT ${parts.join(' ')}`);
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 5 }), (statements) => {
        // A statement ending in a line comment needs its newline before the `;`.
        const text = statements.map((item) => `${item}\n;`).join('\n');
        expect(splitSqlStatements(text)).toEqual(statements.map((item) => item.trim()));
      }),
      { numRuns: 300 },
    );
  });
});
