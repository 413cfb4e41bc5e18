/**
 * The rules every API request meets before its handler runs, read from the route table
 * (`lib/definitions/routes.ts`): ids in the path, the query parameters the route declares (no
 * other, each once, each in its form), the body's size, and no control characters anywhere in a
 * JSON body. A request that breaks one gets a 400 (413 for the size) naming the parameter or field
 * and the problem, and nothing runs.
 *
 * Plain code on purpose: every API function bundles this, and the read-only ones do not bundle zod.
 */
import { ValidationError, type FieldProblem } from '../core/errors';
import {
  BODY_LIMITS,
  PATH_PARAMETER_PATTERN,
  PATH_PARAMETER_RULE,
  matchRoute,
  routes,
  type QueryParameter,
  type RouteDefinition,
} from '../../lib/definitions/routes';
import { MAX_CURSOR_LENGTH } from '../adapters/dynamodb/document-client';

/** A body larger than its route accepts: answered 413. */
export class PayloadTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly limitBytes: number,
    readonly what: string,
  ) {
    super(`The request body is ${bytes.toLocaleString('en-US')} bytes; ${what} accepts at most ${describeBytes(limitBytes)}`);
    this.name = 'PayloadTooLargeError';
  }
}

export function describeBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB (${bytes.toLocaleString('en-US')} bytes)` : `${bytes.toLocaleString('en-US')} bytes`;
}

/**
 * The declared route of a request: by the resource API Gateway names (`/orders/{orderId}`), else
 * by matching the path (events built by hand). Undefined for a request no route declares.
 */
export function routeOf(method: string, resource: string | undefined, path: string | undefined): RouteDefinition | undefined {
  const declared = routes.find((r) => r.method === method && r.path === resource);
  if (declared) return declared;
  if (path === undefined) return undefined;
  const match = matchRoute(method, path);
  return match.route;
}

/** At most this many characters of a name the caller sent are quoted back in a message. */
const QUOTE = 40;

export function checkPathParameters(route: RouteDefinition | undefined, pathParameters: Readonly<Record<string, string>>): FieldProblem[] {
  const names = route ? [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '') : Object.keys(pathParameters);
  const problems: FieldProblem[] = [];
  for (const name of names) {
    const value = pathParameters[name];
    if (value === undefined || value === '') problems.push({ field: name, problem: 'is required (path parameter)' });
    else if (!PATH_PARAMETER_PATTERN.test(value)) problems.push({ field: name, problem: `${PATH_PARAMETER_RULE} (path parameter)` });
  }
  return problems;
}

const DIGITS = /^\d{1,9}$/;
const SIGNED_DIGITS = /^-?\d{1,9}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(19|[2-9]\d)\d{2}-(0[1-9]|1[0-2])$/;
const CURSOR_CHARACTERS = /^[A-Za-z0-9_.-]+$/;

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  // setUTCFullYear: Date.UTC reads the years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The problem of one query value, or undefined when it has the declared form. */
function valueProblem(spec: QueryParameter, value: string): string | undefined {
  switch (spec.kind) {
    case 'limit':
      return DIGITS.test(value) && Number(value) >= 1 && Number(value) <= spec.max ? undefined : `must be a whole number from 1 to ${spec.max}`;
    case 'integer':
      return SIGNED_DIGITS.test(value) && Number(value) >= spec.min && Number(value) <= spec.max ? undefined : `must be a whole number from ${spec.min} to ${spec.max}`;
    case 'cursor':
      // The signature is checked where the cursor is read (decodeCursor); the form is checked here.
      return value.length <= MAX_CURSOR_LENGTH && CURSOR_CHARACTERS.test(value) ? undefined : 'is not one this API returned';
    case 'identifier':
      return PATH_PARAMETER_PATTERN.test(value) ? undefined : PATH_PARAMETER_RULE;
    case 'enum':
      return spec.values.includes(value) ? undefined : `must be one of ${spec.values.join(', ')}`;
    case 'date':
      return isCalendarDate(value) ? undefined : 'must be a calendar date YYYY-MM-DD';
    case 'month':
      return MONTH.test(value) ? undefined : 'must be a month YYYY-MM from 1900-01 on';
  }
}

/**
 * The query against the route's declaration: every parameter declared, given once, in its form.
 * `multiValue` (API Gateway's `multiValueQueryStringParameters`) tells a repeated parameter.
 */
export function checkQuery(
  route: RouteDefinition | undefined,
  query: Readonly<Record<string, string | undefined>>,
  multiValue: Readonly<Record<string, readonly string[] | undefined>> | null | undefined,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const declared = route?.query ?? {};
  // In the order the route declares its parameters, then the unknown ones as sent.
  const order = Object.keys(declared);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  const names = [...new Set([...Object.keys(query), ...Object.keys(multiValue ?? {})])].sort((a, b) => rank(a) - rank(b));
  for (const name of names) {
    const field = name.length > QUOTE ? `${name.slice(0, QUOTE)}…` : name;
    const spec = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (!spec) {
      if (!route) continue;
      const takes = Object.keys(declared);
      problems.push({
        field,
        problem: `is not a query parameter of ${route.method} ${route.path} (${takes.length ? `it takes ${takes.join(', ')}` : 'it takes none'})`,
      });
      continue;
    }
    const values = multiValue?.[name];
    if (values && values.length > 1) {
      problems.push({ field, problem: `is given ${values.length} times; give it once` });
      continue;
    }
    const value = query[name] ?? values?.[0] ?? '';
    const problem = valueProblem(spec, value);
    if (problem) problems.push({ field, problem });
  }
  return problems;
}

/** The body's size against the route's limit; throws {@link PayloadTooLargeError}. */
export function checkBodySize(route: RouteDefinition | undefined, bytes: number): void {
  const limit = route?.maxBodyBytes ?? BODY_LIMITS.json;
  if (bytes > limit) throw new PayloadTooLargeError(bytes, limit, route ? `${route.method} ${route.path}` : 'this route');
}

/** C0 controls but tab, CR and LF; DEL and the C1 controls. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** A UTF-16 surrogate without its other half: no character at all, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 32;
const MAX_PROBLEMS = 20;

function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key.length > QUOTE ? `${key.slice(0, QUOTE)}…` : key);
  return parent ? `${parent}.${name}` : name;
}

function stringProblem(text: string): string | undefined {
  if (CONTROL.test(text)) return 'must not contain control characters (only tab and line breaks are allowed in free text)';
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode (it holds a lone surrogate)';
  return undefined;
}

/**
 * Every string of a parsed JSON body (keys too) is free of control characters and valid Unicode,
 * and the body is nested at most 32 levels. Iterative, so no body can exhaust the stack.
 */
export function checkJsonText(body: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  while (stack.length && problems.length < MAX_PROBLEMS) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) problems.push({ field: path || '(body)', problem });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      problems.push({ field: path || '(body)', problem: `is nested more than ${MAX_DEPTH} levels deep` });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: fieldPath(path, i), depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const keyProblem = stringProblem(key);
      if (keyProblem) problems.push({ field: fieldPath(path, key), problem: `(the field's name) ${keyProblem}` });
      else stack.push({ value: child, path: fieldPath(path, key), depth: depth + 1 });
    }
  }
  return problems;
}

/** Throws a ValidationError with every problem, if there is one. */
export function refuse(problems: readonly FieldProblem[]): void {
  if (problems.length) throw new ValidationError(problems);
}
