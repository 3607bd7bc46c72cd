/**
 * fast-check arbitraries for hostile input: the values an attacker or a broken client sends.
 * Bodies are JSON values that may hold `RawJson` pieces (text spliced in verbatim, e.g. 10,000
 * levels of nesting, which `JSON.stringify` could build but would take the stack with it) and are
 * turned into bytes by `encodeJsonBody`.
 */
import fc from 'fast-check';

/** A piece of JSON text inserted verbatim where it stands in a body. */
export class RawJson {
  constructor(readonly text: string, readonly label: string) {}
}

/** Text that makes SQL, HTML or a log line misbehave when it is concatenated instead of bound. */
export const injectionStrings: readonly string[] = [
  "1'; DROP TABLE vendors; --",
  "' OR '1'='1",
  '1 OR 1=1',
  "'); DELETE FROM conversion_events; --",
  "1; UPDATE payouts SET amount = 0 WHERE '1'='1",
  'x\' UNION SELECT api_key_hash FROM api_keys --',
  ':vendor_id',
  '$1',
  '::integer',
  '/* */ --',
  '\\x00',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  'a\u0000b',
  '\r\nSet-Cookie: pwned=1',
  '\u202e\u0646\ud83d\ude00',
  '\ud800',
  '\uffff\ufffe',
  '',
  ' ',
  'null',
  'NaN',
  '-0',
  '1e309',
  '99999999999999999999999999.99',
  '-1.00',
  '0x1F',
  '12,50',
  'https://evil.example.net/',
  'http://127.0.0.1/admin',
  'http://169.254.169.254/latest/meta-data/',
  'file:///etc/passwd',
  '__proto__',
  'constructor',
];

/** Path segments for `{id}`-like parameters that no route should accept. */
export const hostileIdSegments: readonly string[] = [
  '1;DROP',
  '1%3BDROP%20TABLE%20vendors',
  '-1',
  '0',
  '9223372036854775808',
  '9223372036854775807',
  '18446744073709551616',
  '2147483648',
  '1e3',
  '0x10',
  '1.5',
  '%00',
  '1%00',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%FF',
  '%2e%2e',
  '..',
  '%20',
  '%EF%BC%91',
  "1'%20OR%20'1'='1",
  '%3Cscript%3E',
  'null',
  'undefined',
  'NaN',
  'a'.repeat(3000),
];

const deepArray = (depth: number) => new RawJson('['.repeat(depth) + ']'.repeat(depth), `array depth ${depth}`);
const deepObject = (depth: number) => new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth), `object depth ${depth}`);

/** Strings: injections, control and unpaired-surrogate characters, long and very long text. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...injectionStrings) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 20_000 }).map((n) => 'x'.repeat(n)) },
  // Big enough to pass the gateway's 1 MB limit only just, so the validators see it.
  { weight: 1, arbitrary: fc.integer({ min: 200_000, max: 1_000_000 }).map((n) => 'A'.repeat(n)) },
);

/** Any JSON value of the wrong kind, including 10,000-level nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      -0.000001,
      1e308,
      Number.MAX_SAFE_INTEGER,
      9007199254740993n,
      2147483648,
      -2147483649,
      [],
      {},
      [null],
      { constructor: { prototype: { polluted: true } } },
      new RawJson('{"__proto__":{"admin":true}}', '__proto__ key'),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(deepArray(10_000), deepObject(10_000), deepArray(100), deepObject(1000)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Raw bodies that are not JSON, not UTF-8, or not what they claim. */
export const hostileRawBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    Buffer.from([0xff, 0xfe, 0xfd]),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), // {"a":"\xc3("} — invalid UTF-8 inside JSON
    Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // a UTF-8-encoded lone surrogate
    Buffer.from('{"name":"a\u0000b"}', 'utf8'),
    Buffer.from('\u0000\u0000\u0000\u0000', 'utf8'),
    Buffer.from('\ufeff{"name":"bom"}', 'utf8'),
    Buffer.from('{"name":', 'utf8'),
    Buffer.from('{"a":1}{"a":2}', 'utf8'),
    Buffer.from("{'single':'quotes'}", 'utf8'),
    Buffer.from('name=x&email=y', 'utf8'),
    Buffer.from('<?xml version="1.0"?><a>1</a>', 'utf8'),
    Buffer.from('NaN', 'utf8'),
    Buffer.from('"just a string"', 'utf8'),
    Buffer.from('12345678901234567890', 'utf8'),
    Buffer.from('{"__proto__":{"isAdmin":true}}', 'utf8'),
    Buffer.from('{"a":1,"a":2}', 'utf8'),
  ),
  fc.string({ unit: 'binary', maxLength: 100 }).map((text) => Buffer.from(text, 'utf8')),
  // Just over the gateway's 1 MB: a 413, never a read of the whole thing into a handler.
  fc.constant(Buffer.alloc(1024 * 1024 + 10, 0x61)),
);

/** Content types a client may claim. `undefined` sends none. */
export const contentTypes: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/json; charset=latin1',
      'application/problem+json',
      'application/octet-stream',
      'application/xml',
      'application/jsonx',
      'json',
      '*/*',
      '',
      '\t',
      'application/json\u00ff',
    ),
  },
);

/** Authorization headers that must never pass. */
export const badAuthorizations: readonly (string | undefined)[] = [
  undefined,
  '',
  'Bearer',
  'Bearer ',
  'Basic YWRtaW46YWRtaW4=',
  'Bearer vk_' + 'a'.repeat(40),
  'Bearer pk_' + '0'.repeat(40),
  "Bearer ' OR '1'='1",
  'Bearer vk_%00',
  'bearer ' + 'x'.repeat(5000),
  'Bearer a b',
];

/** Bytes of a body value: RawJson pieces spliced in verbatim, bigints as bare numbers. */
export function encodeJsonBody(value: unknown): Buffer {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    if (typeof v === 'bigint') {
      raws.push(v.toString());
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  const spliced = (text ?? 'null').replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, index: string) => raws[Number(index)]!);
  return Buffer.from(spliced, 'utf8');
}

/** A short, log-friendly description of a body for failure messages. */
export function describeBody(body: Buffer | undefined): string {
  if (!body) return '(none)';
  const head = [...body.subarray(0, 160).toString('utf8')].map((c) => (c.charCodeAt(0) < 0x20 ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('');
  return `${body.length} bytes: ${head}${body.length > 160 ? '…' : ''}`;
}

/** Percent-encodes the UTF-8 bytes of `text`; unlike encodeURIComponent it never throws (lone surrogates). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
