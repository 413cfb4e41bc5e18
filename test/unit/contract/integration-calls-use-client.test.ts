/**
 * The integration tests call the API through the typed client generated from openapi.json
 * (`api.op('postOrders', ...)` in test/integration/support/api-driver.ts), so a route or schema
 * change that breaks a caller fails typecheck, not only a test run. This scan fails when a test
 * or the driver calls an API path by hand (`api.post('/orders', ...)`, `request('GET', `/invoices/${id}`)`,
 * `fetch(`${url}/orders`)`) outside the allowed raw cases:
 * - a call whose line, or the line above it, carries a `raw:` comment saying why the client
 *   cannot send it (a malformed body, an unknown route, a missing key, a wrong content type);
 * - the files of RAW_FILES, whose whole point is sending what the client cannot;
 * - the files of NOT_YET_MOVED, still to be moved onto the client (this list only shrinks: the
 *   scan also fails when a file listed there no longer calls by hand).
 * The local stack's own endpoints (`/_local/...`) are not part of the API contract and may be
 * called by path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routes } from '../../../lib/definitions/routes';

const root = join(import.meta.dirname, '../../..');
const integrationDir = join(root, 'test/integration');

/** Files that exist to send what the typed client cannot. */
const RAW_FILES: Record<string, string> = {
  'test/integration/fuzz.test.ts': 'sends malformed requests (bodies, parameters, headers) to every route',
  'test/integration/bad-input.test.ts': 'sends bodies and parameters the client types refuse, to check the 4xx problem answers',
};

/** Files still calling by hand, to be moved onto `api.op` (issue 16). Remove a file once it is moved. */
const NOT_YET_MOVED: string[] = [
];

/** The first path segments of the API's routes (`orders`, `invoices`, ...). */
const apiSegments = new Set(routes.map((r) => r.path.split('/')[1]!));

/**
 * A call by hand: a request-making function (`call`, `get`, `post`, `put`, `request`, `fetch`, with
 * an optional type argument and an optional method literal first) whose path argument is a string
 * or template literal starting with an API path, possibly after a `${baseUrl}`-like prefix.
 */
const handCall = /\b(?:call|get|post|put|request|fetch)\s*(?:<[^()]*?>)?\(\s*(?:(['"`])[A-Z]+\1\s*,\s*)?(['"`])(?:\$\{[^}]*\})?\/([A-Za-z][\w.-]*)/g;
/** Any helper called with a method and a path (`asCustomer(link, 'GET', '/portal')`). */
const methodAndPath = /(['"`])(?:GET|POST|PUT|PATCH|DELETE)\1\s*,\s*(['"`])(?:\$\{[^}]*\})?\/([A-Za-z][\w.-]*)/g;

function handCalls(source: string): { line: number; text: string }[] {
  const lines = source.split('\n');
  const found: { line: number; text: string }[] = [];
  lines.forEach((text, index) => {
    const matches = [...text.matchAll(handCall), ...[...text.matchAll(methodAndPath)].filter((m) => ![...text.matchAll(handCall)].some((h) => h.index! <= m.index! && m.index! < h.index! + h[0].length))];
    for (const match of matches) {
      if (!apiSegments.has(match[3]!)) continue;
      if (/\braw:/.test(text) || /\braw:/.test(lines[index - 1] ?? '')) continue;
      found.push({ line: index + 1, text: text.trim() });
    }
  });
  return found;
}

function integrationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return integrationFiles(path);
    return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
  });
}

describe('integration tests call the API through the typed client', () => {
  const files = integrationFiles(integrationDir);

  it('finds the driver and the test files', () => {
    expect(files).toContain('test/integration/support/api-driver.ts');
    expect(files.filter((f) => f.endsWith('.test.ts')).length).toBeGreaterThan(20);
    for (const file of [...Object.keys(RAW_FILES), ...NOT_YET_MOVED]) expect(files, file).toContain(file);
  });

  it('recognises a call by hand and lets a `raw:` comment or the local stack pass', () => {
    expect(handCalls("await api.post('/orders', { customerId });")).toHaveLength(1);
    expect(handCalls('const r = await api.get<{ items: unknown[] }>(`/invoices/${invoiceId}`);')).toHaveLength(1);
    expect(handCalls("await request('POST', `/orders/${id}/shipments`, {});")).toHaveLength(1);
    expect(handCalls('await fetch(`${api.baseUrl}/customers/${id}`, { method: "PUT" });')).toHaveLength(1);
    expect(handCalls("await api.call('GET', '/nowhere');")).toHaveLength(0);
    expect(handCalls("await api.get('/_local/emails');")).toHaveLength(0);
    expect(handCalls("// raw: a body the client's types refuse\nawait api.post('/orders', 'not json');")).toHaveLength(0);
    expect(handCalls("await api.op('postOrders', { body });")).toHaveLength(0);
    expect(handCalls("const page = await asCustomer(link, 'GET', '/portal');")).toHaveLength(1);
  });

  it('has no call by hand outside the allowed raw cases', () => {
    const offending = files
      .filter((file) => !(file in RAW_FILES) && !NOT_YET_MOVED.includes(file))
      .flatMap((file) => handCalls(readFileSync(join(root, file), 'utf8')).map((c) => `${file}:${c.line}: ${c.text}`));
    expect(offending, 'call these through api.op(...) (the generated client), or say why not in a `raw:` comment').toEqual([]);
  });

  it('lists as not yet moved only files that still call by hand', () => {
    const moved = NOT_YET_MOVED.filter((file) => handCalls(readFileSync(join(root, file), 'utf8')).length === 0);
    expect(moved, 'these call only through the client now: remove them from NOT_YET_MOVED').toEqual([]);
  });
});
