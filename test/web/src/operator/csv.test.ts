/**
 * The consoles' CSV export, read back by Python's csv module (strict mode), an RFC 4180 reader
 * we did not write: every awkward value comes back exactly, amounts as the API wrote them.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../../web/src/operator/csv.js';

function readWithPython(csv: string): string[][] {
  const script = 'import csv, io, json, sys\nprint(json.dumps(list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, newline="", encoding="utf-8"), strict=True))))';
  const run = spawnSync('python3', ['-c', script], { input: Buffer.from(csv, 'utf8') });
  if (run.status !== 0) throw new Error(run.stderr.toString());
  return JSON.parse(run.stdout.toString()) as string[][];
}

describe('toCsv', () => {
  it('quotes commas, quotes, CR and LF so a strict reader gets every value back', () => {
    const rows = [
      { partner_id: 1, name: 'Smith, Jones & Co', total_revenue: '1234.50', currency: 'USD' },
      { partner_id: 2, name: 'The "Trail" Blog', total_revenue: '5000', currency: 'JPY' },
      { partner_id: 3, name: 'Line one\nline two\r\nthree', total_revenue: '0.125', currency: 'KWD' },
      { partner_id: 4, name: 'Zoë — ünïcode ✓', total_revenue: '-10.00', currency: 'EUR' },
      { partner_id: 5, name: '', total_revenue: null, currency: 'USD' },
    ];
    const columns = ['partner_id', 'name', 'total_revenue', 'currency'];
    const csv = toCsv(columns, rows);
    expect(readWithPython(csv)).toEqual([
      columns,
      ['1', 'Smith, Jones & Co', '1234.50', 'USD'],
      ['2', 'The "Trail" Blog', '5000', 'JPY'],
      ['3', 'Line one\nline two\r\nthree', '0.125', 'KWD'],
      ['4', 'Zoë — ünïcode ✓', '-10.00', 'EUR'],
      ['5', '', '', 'USD'],
    ]);
  });

  it('ends every record with CRLF and quotes nothing that does not need it', () => {
    expect(toCsv(['a', 'b'], [{ a: 'x', b: 'y z' }])).toBe('a,b\r\nx,y z\r\n');
  });

  it('writes objects as JSON, quoted', () => {
    const csv = toCsv(['changes'], [{ changes: { status: ['pending', 'approved'] } }]);
    expect(readWithPython(csv)[1]).toEqual(['{"status":["pending","approved"]}']);
  });
});
