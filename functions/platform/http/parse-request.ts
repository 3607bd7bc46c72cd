/**
 * Request parsing: JSON bodies, query strings and path parameters through zod schemas.
 * Write bodies are `z.strictObject`s, so an unknown field is a 400 naming the field.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { UnsupportedMediaTypeError, ValidationError, type FieldError } from './errors.js';

type Location = 'body' | 'query' | 'params';

/** Zod issues as the `errors` array of a 400 problem. */
export function fieldErrorsOf(error: z.ZodError, location: Location): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = [location, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: `${base}.${key}`, message: 'Unknown field.' });
    } else {
      out.push({ path: base, message: issue.message });
    }
  }
  return out;
}

/** Parses `value` with `schema` or throws a 400 listing every failing field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, location: Location): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrorsOf(result.error, location);
  const first = errors[0];
  const detail =
    errors.length === 1 && first
      ? `Invalid ${location}: ${first.path} - ${first.message}`
      : `Invalid ${location}: ${errors.length} fields failed validation (see errors).`;
  throw new ValidationError(detail, errors);
}

/**
 * The decoded JSON body of `event`: `undefined` when there is none. A body that is not JSON is a
 * 400; a declared non-JSON content type is a 415.
 */
export function readJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const contentType = headerOf(event, 'content-type');
  if (contentType && !/^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError();
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ValidationError('The request body is not valid JSON.', [{ path: 'body', message: 'Malformed JSON.' }], { cause });
  }
  const refused = unstorableValueOf(parsed);
  if (refused) throw new ValidationError(`Invalid body: ${refused.path} - ${refused.message}`, [refused]);
  return parsed;
}

/** Deeper JSON is refused: no field needs it, and serialising it again can exhaust the stack. */
export const maxJsonDepth = 64;
const unpairedSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'NUL characters (\\u0000) are not allowed.';
  if (unpairedSurrogate.test(text)) return 'Unpaired UTF-16 surrogates (e.g. \\ud800) are not allowed.';
  return undefined;
}

/**
 * The first value in `value` that PostgreSQL could not store or we would not serialise again:
 * U+0000 or an unpaired surrogate in a string or key (text and jsonb refuse both, a 500 at the
 * INSERT), or nesting deeper than `maxJsonDepth`. Iterative, so 10,000 levels cannot overflow here.
 */
export function unstorableValueOf(value: unknown, root = 'body'): FieldError | undefined {
  interface Node {
    value: unknown;
    key: string;
    depth: number;
    parent?: Node;
  }
  const pathOf = (node: Node, extra?: string): string => {
    const keys: string[] = extra === undefined ? [] : [extra];
    for (let n: Node | undefined = node; n; n = n.parent) keys.push(n.key);
    const path = keys.reverse().join('.');
    return path.length > 200 ? `${path.slice(0, 200)}…` : path;
  };
  const stack: Node[] = [{ value, key: root, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node.value === 'string') {
      const message = textProblem(node.value);
      if (message) return { path: pathOf(node), message };
    } else if (node.value !== null && typeof node.value === 'object') {
      if (node.depth >= maxJsonDepth) return { path: pathOf(node), message: `JSON nested deeper than ${maxJsonDepth} levels is not allowed.` };
      for (const [key, child] of Object.entries(node.value)) {
        const message = textProblem(key);
        if (message) return { path: pathOf(node, JSON.stringify(key).slice(1, -1)), message };
        stack.push({ value: child, key, depth: node.depth + 1, parent: node });
      }
    }
  }
  return undefined;
}

/** A request header, case-insensitively (API Gateway v2 lower-cases them; tests may not). */
export function headerOf(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
