/**
 * A migration file to its statements: split on `;` outside string literals, quoted identifiers,
 * dollar-quoted bodies and comments. Statements that are empty or only comments are dropped,
 * because some engines (the Data API) refuse an empty statement.
 */
import { skipQuotedOrComment } from './sql-lexer.js';

export function splitSqlStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;
  const flush = (end: number) => {
    if (hasCode) statements.push(text.slice(start, end).trim());
    start = end + 1;
    hasCode = false;
  };
  while (i < text.length) {
    const char = text[i] ?? '';
    const skipped = skipQuotedOrComment(text, i);
    if (skipped !== -1) {
      // A comment alone is not a statement; a literal or quoted identifier is code.
      if (!(char === '-' || char === '/')) hasCode = true;
      i = skipped;
      continue;
    }
    if (char === ';') {
      flush(i);
    } else if (!/\s/.test(char)) {
      hasCode = true;
    }
    i += 1;
  }
  flush(text.length);
  return statements;
}
