/**
 * The few lexical rules every SQL scanner here needs: where quoted text and comments start and
 * end, so a `:` or `;` inside them is never mistaken for a parameter or a statement end.
 */

const identifierChar = /[A-Za-z0-9_$\u0080-\uffff]/;
const dollarTag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** True when `char` can continue an identifier (so `E'`, `$tag$` after it are not literals). */
export function isIdentifierChar(char: string | undefined): boolean {
  return char !== undefined && identifierChar.test(char);
}

/**
 * When a string literal, quoted identifier, dollar-quoted string or comment starts at `start`,
 * returns the index just past its end (the text's length when unterminated); otherwise -1.
 */
export function skipQuotedOrComment(sql: string, start: number): number {
  const char = sql[start];
  const next = sql[start + 1];
  const previous = start > 0 ? sql[start - 1] : undefined;
  if (char === "'") return skipQuoted(sql, start + 1, "'", false);
  if (char === '"') return skipQuoted(sql, start + 1, '"', false);
  if ((char === 'E' || char === 'e') && next === "'" && !isIdentifierChar(previous)) {
    return skipQuoted(sql, start + 2, "'", true);
  }
  if (char === '-' && next === '-') {
    const end = sql.indexOf('\n', start + 2);
    return end === -1 ? sql.length : end + 1;
  }
  if (char === '/' && next === '*') return skipBlockComment(sql, start);
  if (char === '$' && !isIdentifierChar(previous)) {
    const match = dollarTag.exec(sql.slice(start, start + 64));
    if (match) {
      const tag = match[0];
      const end = sql.indexOf(tag, start + tag.length);
      return end === -1 ? sql.length : end + tag.length;
    }
  }
  return -1;
}

/** Quoted text ends at an undoubled quote; in E'' strings a backslash escapes the next char. */
function skipQuoted(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashEscapes && char === '\\') {
      i += 2;
      continue;
    }
    if (char === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}

/** PostgreSQL block comments nest. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return sql.length;
}
