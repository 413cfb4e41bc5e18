/**
 * The finance console reaches the API only through the client generated from openapi.json: no
 * `fetch` (or other request API) in its sources but in `local-runtime.ts`, which calls the local
 * runtime's own `/_local/...` routes and nothing else. The generated `download` asks for the media
 * type it names and hands back the bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, createClient, download, DOWNLOADS, OPERATIONS, type Ops } from '../../../lib/api-client/client';
import { localPath } from '../../../lib/console/src/local-runtime';

const root = join(import.meta.dirname, '../../..');
const consoleSources = join(root, 'lib/console/src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

/** The code of a file without its comments (a comment may mention fetch). */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const REQUEST_APIS = [/\bfetch\s*\(/, /\bXMLHttpRequest\b/, /\bsendBeacon\b/, /\bEventSource\b/, /\bWebSocket\b/, /\baxios\b/];

describe('the finance console calls the API only through the generated client', () => {
  it('has no fetch, XMLHttpRequest, sendBeacon, EventSource or WebSocket outside local-runtime.ts', () => {
    const files = sources(consoleSources);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files
      .filter((file) => relative(consoleSources, file) !== 'local-runtime.ts')
      .flatMap((file) => REQUEST_APIS.filter((pattern) => pattern.test(code(file))).map((pattern) => `${relative(root, file)}: ${pattern.source}`));
    expect(offenders).toEqual([]);
  });

  it('finds a fetch put back into a page (the check above can fail)', () => {
    const planted = 'const answer = await fetch(`${base}/invoices`, { headers });';
    expect(REQUEST_APIS.some((pattern) => pattern.test(planted))).toBe(true);
    expect(REQUEST_APIS.some((pattern) => pattern.test('// a comment about fetch(x)'.replace(/(^|[^:'"`])\/\/.*$/gm, '$1')))).toBe(false);
  });

  it('calls through local-runtime.ts only the routes of the local runtime, every one through localPath', () => {
    const text = code(join(consoleSources, 'local-runtime.ts'));
    const fetches = text.match(/\bfetch\s*\([^;]*/g) ?? [];
    expect(fetches.length).toBeGreaterThan(0);
    for (const call of fetches) expect(call).toMatch(/localPath\(|\$\{route\}/);
    expect(text).toMatch(/const route = localPath\(path\)/);
    expect(localPath('/_local/clock')).toBe('/_local/clock');
    expect(localPath('/_local/emails')).toBe('/_local/emails');
    for (const path of ['/invoices', '/_local/../invoices/x', '/_local/clock?x=1', '_local/clock', '//_local/clock', 'https://elsewhere/_local/clock']) {
      expect(() => localPath(path), path).toThrow(/not a route of the local runtime/);
    }
  });
});

describe('download (generated with the client)', () => {
  const calls: { url: string; accept: string | null; key: string | null }[] = [];
  const answers: Record<string, () => Response> = {};
  const fakeFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    calls.push({ url: request.url, accept: request.headers.get('accept'), key: request.headers.get('x-api-key') });
    const answer = answers[new URL(request.url).pathname];
    return answer ? answer() : new Response('{}', { status: 404, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const client = createClient<Ops>(OPERATIONS, { serverUrl: 'http://api.test', auth: { apiKey: { apiKey: 'finance-key' } }, retry: { retries: 0 }, clientHeader: false, fetch: fakeFetch });

  it('lists the non-JSON answers of the document: the CSV reports, the documents, the XML files, the journal export', () => {
    expect(DOWNLOADS.getReportsAging).toEqual(['text/csv']);
    expect(DOWNLOADS.getInvoicesInvoiceIdDocument).toEqual(['application/pdf', 'text/html']);
    expect(DOWNLOADS.getCustomersCustomerIdStatement).toEqual(['text/csv', 'application/pdf']);
    expect(DOWNLOADS.getLedgerJournals).toEqual(['text/csv']);
    expect(Object.keys(DOWNLOADS)).not.toContain('getInvoicesInvoiceId');
  });

  it('asks with the Accept of the media type, the key and the query, and hands back the bytes as they came (Windows-1252 stays Windows-1252)', async () => {
    const datev = new Uint8Array([0x22, 0x45, 0x58, 0x54, 0x46, 0x22, 0x3b, 0xe4, 0xf6, 0xfc, 0x0d, 0x0a]); // "EXTF";äöü in Windows-1252
    answers['/ledger/journals'] = () => new Response(datev, { status: 200, headers: { 'content-type': 'text/csv; charset=windows-1252' } });
    const blob = await download(client, 'getLedgerJournals', 'text/csv', { query: { from: '2026-11-01', to: '2026-11-30', format: 'datev' } });
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(datev);
    expect(calls.at(-1)).toEqual({ url: 'http://api.test/ledger/journals?from=2026-11-01&to=2026-11-30&format=datev', accept: 'text/csv', key: 'finance-key' });

    answers['/invoices/inv-1/document'] = () => new Response('%PDF-1.7', { status: 200, headers: { 'content-type': 'application/pdf' } });
    const pdf = await download(client, 'getInvoicesInvoiceIdDocument', 'application/pdf', { path: { invoiceId: 'inv-1' } });
    expect(await pdf.text()).toBe('%PDF-1.7');
    expect(calls.at(-1)?.accept).toBe('application/pdf');
  });

  it("throws the client's ApiError with the problem document on a refusal", async () => {
    answers['/reports/aging'] = () =>
      new Response(JSON.stringify({ type: 'urn:problem-type:order-to-cash:validation-failed', title: 'Bad request', status: 400, detail: 'asOf must be a date', error: { code: 'VALIDATION_FAILED', message: 'asOf must be a date', details: [{ field: 'asOf', problem: 'must be a date' }] } }), {
        status: 400,
        headers: { 'content-type': 'application/problem+json' },
      });
    const refused = await download(client, 'getReportsAging', 'text/csv', { query: { asOf: 'x' } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(400);
    expect((refused as ApiError).body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ field: 'asOf' }] } });
  });
});
