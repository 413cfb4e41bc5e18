/**
 * Large files through S3 on the local AWS (s3rver): a presigned PUT URL from the API, the file PUT
 * to it with fetch, the processing started by its upload id, progress polled until completed.
 * A 1,000-line camt.054 is applied line by line (each once), the ledger check holds, the same file
 * again applies nothing; a PUT of another length, or to another key, is refused as S3 would; an
 * import of open items goes the same way; bad input gets a 400 naming the field.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver, type BodyOf } from './support/api-driver';
import { camt054For, importAndWait, importBody, lineKind, openItems, pollUntilFinished } from '../support/remittance-files';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

interface UploadUrl {
  uploadId: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
  maxBytes: number;
}

interface Statement {
  statementId: string;
  status: string;
  format: string | null;
  total: number;
  processed: number;
  progress: string;
  counts: { applied: number; suggested: number; unapplied: number };
  lastUpload: { newlyRecorded: number; alreadyRecorded: number };
  uploads: number;
  lines: { sequence: number; status: string; allocations: unknown[]; paymentId: string }[];
  cursor: string | null;
}

async function customers(prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix.toLowerCase()}-${i}`);
  for (const customerId of ids) {
    const r = await api.op('putCustomersCustomerId', { path: { customerId }, body: { name: `Async Customer ${customerId}`, email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000000.00', paymentTermsDays: 30 } }, { as: 'finance' });
    expect(r.status).toBe(201);
  }
  return ids;
}

/** Every line of a statement, page by page. */
async function allLines(statementId: string): Promise<Statement['lines']> {
  const lines: Statement['lines'] = [];
  let cursor: string | null = null;
  do {
    const page: { body: Statement } = await api.op<'getRemittancesStatementId', Statement>('getRemittancesStatementId', { path: { statementId }, query: { limit: 1000, ...(cursor ? { cursor } : {}) } });
    lines.push(...page.body.lines);
    cursor = page.body.cursor;
  } while (cursor);
  return lines;
}

describe('a 1,000-line camt.054 uploaded through a presigned S3 URL', () => {
  it('is PUT to S3, started by its upload id, shows its progress, applies every line once and keeps the books balanced', { timeout: 600_000 }, async () => {
    // Prepare: 100 customers, 1,000 open items, the bank's notification paying them
    const prefix = uniqueId('S').replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(-6).replace(/^[0-9]/, 'X');
    const ids = await customers(prefix, 100);
    const items = openItems(prefix, 1_000, ids);
    await importAndWait(api, items);
    const file = camt054For(prefix, items, ids.length);
    const bytes = Buffer.byteLength(file);

    // Act: ask for an upload URL, PUT the file to S3, start it, poll
    const issued = await api.op<'postRemittancesUploads', UploadUrl>('postRemittancesUploads', { body: { contentLength: bytes } }, { as: 'finance' });
    const put = await fetch(issued.body.url, { method: 'PUT', headers: issued.body.headers, body: file, signal: AbortSignal.timeout(60_000) });
    const started = await api.op<'postRemittances', Statement>('postRemittances', { body: { uploadId: issued.body.uploadId } }, { as: 'finance' });
    const { response: finished, seen, seconds } = await pollUntilFinished<Statement>(api, `/remittances/${started.body.statementId}`, 540_000, 500);
    console.log(`[async-uploads] 1,000-line camt.054 via S3: applied in ${seconds.toFixed(1)} s after the 202; progress seen: ${seen.join(', ')}`);

    // Assess: the URL, the 202, the progress on the way, the outcome
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ uploadId: expect.stringMatching(/^up-/), method: 'PUT', headers: { 'content-length': String(bytes) } });
    expect(new URL(issued.body.url).host).toBe(new URL(stack.local.endpoints.s3).host);
    expect(new URL(issued.body.url).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(new URL(issued.body.url).searchParams.get('X-Amz-SignedHeaders')).toContain('content-length');
    expect(put.status).toBe(200);
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/remittances/${started.body.statementId}`);
    expect(started.body).toMatchObject({ status: 'processing', format: 'camt.054', total: 1_000, processed: 0, seenBefore: false });
    expect(seen.some((s) => /\s([1-9]\d*)\/1000$/.test(s) && !s.endsWith(' 1000/1000')), `a progress between 0 and 1000 was seen: ${seen.join(', ')}`).toBe(true);
    expect(finished.body).toMatchObject({ status: 'completed', format: 'camt.054', total: 1_000, processed: 1_000, progress: '1000/1000', lastUpload: { newlyRecorded: 1_000, alreadyRecorded: 0 } });
    // RF references, partial, over and short payments apply; loosely written numbers of this series (not the
    // product's INV series) are not read as invoice numbers, and unknown payers stay unapplied.
    const expected = { applied: 0, unapplied: 0 };
    for (let i = 0; i < 1_000; i++) expected[['loose', 'unknown'].includes(lineKind(i)) ? 'unapplied' : 'applied'] += 1;
    expect(finished.body.counts).toMatchObject({ applied: expected.applied, unapplied: expected.unapplied });
    const lines = await allLines(started.body.statementId);
    expect(lines).toHaveLength(1_000);
    expect(new Set(lines.map((l) => l.paymentId)).size).toBe(1_000);
    expect(lines.filter((l) => l.status === 'applied').every((l) => l.allocations.length === 1)).toBe(true);
    const paid = await api.op<'getInvoices', { status: string; balance: string }>('getInvoices', { query: { customerId: ids[0], limit: 200 } });
    expect(paid.status).toBe(200);
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true, problems: [] });

    // Act: the same file again, this time in the request body
    // raw: a bank file as the body with its own content type; the client sends JSON bodies only (the contract declares POST /remittances as JSON)
    const again = await fetch(`${api.baseUrl}/remittances`, {
      method: 'POST',
      headers: { 'x-api-key': stack.local.apiKeys.finance, 'content-type': 'application/xml', 'idempotency-key': randomUUID() },
      body: file,
      signal: AbortSignal.timeout(60_000),
    });
    const repeated = await pollUntilFinished<Statement>(api, `/remittances/${started.body.statementId}`, 300_000, 500);

    // Assess: nothing applied twice
    expect(again.status).toBe(202);
    expect(repeated.response.body).toMatchObject({ status: 'completed', uploads: 2, counts: finished.body.counts, lastUpload: { newlyRecorded: 0, alreadyRecorded: 1_000 } });
    expect((await allLines(started.body.statementId)).map((l) => l.paymentId)).toEqual(lines.map((l) => l.paymentId));
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true, problems: [] });
  });
});

describe('presigned upload URLs', () => {
  it('accept exactly the declared length at their key only, like S3, and bad requests get a 400 naming the field', async () => {
    const file = 'date,amount,currency,reference,payer_name,payer_account\n2026-03-09,12.00,EUR,nothing,Nobody,\n';
    const issued = await api.op<'postRemittancesUploads', UploadUrl>('postRemittancesUploads', { body: { contentLength: Buffer.byteLength(file) } }, { as: 'finance' });

    const longer = await fetch(issued.body.url, { method: 'PUT', body: `${file}x` });
    const otherId = `${issued.body.uploadId.slice(0, -1)}${issued.body.uploadId.endsWith('0') ? '1' : '0'}`;
    const elsewhere = await fetch(issued.body.url.replace(issued.body.uploadId, otherId), { method: 'PUT', body: file });
    const notYet = await api.op('postRemittances', { body: { uploadId: issued.body.uploadId } }, { as: 'finance' });
    const fitting = await fetch(issued.body.url, { method: 'PUT', body: file });
    const started = await api.op<'postRemittances', Statement>('postRemittances', { body: { uploadId: issued.body.uploadId } }, { as: 'finance' });

    expect(longer.status).toBe(403);
    expect(await longer.text()).toContain('SignatureDoesNotMatch');
    expect(elsewhere.status).toBe(403);
    expect(notYet.status).toBe(400);
    expect(notYet.body).toMatchObject({ error: { details: [{ field: 'uploadId', problem: expect.stringContaining('has no file') }] } });
    expect(fitting.status).toBe(200);
    expect(started.status).toBe(202);
    expect((await pollUntilFinished<Statement>(api, `/remittances/${started.body.statementId}`)).response.body).toMatchObject({ status: 'completed', counts: { unapplied: 1 } });

    const refusals = await Promise.all([
      api.op('postRemittancesUploads', { body: {} as BodyOf<'postRemittancesUploads'> }, { as: 'finance' }), // a body outside the declared type, on purpose
      api.op('postRemittancesUploads', { body: { contentLength: 0 } }, { as: 'finance' }),
      api.op('postRemittancesUploads', { body: { contentLength: 26 * 1024 * 1024 } }, { as: 'finance' }),
      api.op('postInvoicesImportUploads', { body: { contentLength: 'big' } as unknown as BodyOf<'postInvoicesImportUploads'> }, { as: 'finance' }), // on purpose
      api.op('postRemittances', { body: { uploadId: 'up-not-an-id' } }, { as: 'finance' }),
      api.op('postInvoicesImport', { body: { uploadId: 42 } as unknown as BodyOf<'postInvoicesImport'> }, { as: 'finance' }), // on purpose
    ]);
    for (const [response, field] of refusals.map((r, i) => [r, ['contentLength', 'contentLength', 'contentLength', 'contentLength', 'uploadId', 'uploadId'][i]] as const)) {
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body).toMatchObject({ error: { details: [{ field }] } });
    }
    expect((await api.op('postRemittancesUploads', { body: { contentLength: 10 } })).status).toBe(403);
  });
});

describe('an import of open items uploaded through a presigned S3 URL', () => {
  it('is imported after the 202, shows its result, and refused items are named items[i].field', { timeout: 120_000 }, async () => {
    const prefix = uniqueId('I').replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(-6).replace(/^[0-9]/, 'X');
    const ids = await customers(prefix, 5);
    const body = JSON.stringify(importBody(openItems(prefix, 300, ids)));
    const issued = await api.op<'postInvoicesImportUploads', UploadUrl>('postInvoicesImportUploads', { body: { contentLength: Buffer.byteLength(body) } }, { as: 'finance' });
    expect((await fetch(issued.body.url, { method: 'PUT', headers: issued.body.headers, body })).status).toBe(200);

    const started = await api.op<'postInvoicesImport', { importId: string; status: string }>('postInvoicesImport', { body: { uploadId: issued.body.uploadId } }, { as: 'finance' });
    const { response } = await pollUntilFinished<{ status: string; progress: string; imported: number; invoices: { invoiceId: string }[] }>(api, `/invoices/import/${started.body.importId}`);

    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/invoices/import/${started.body.importId}`);
    expect(response.body).toMatchObject({ status: 'completed', progress: '300/300', imported: 300 });
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId: response.body.invoices[0]!.invoiceId } })).body).toMatchObject({ source: 'import', status: 'OPEN' });
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true });

    // Items the lookups refuse: the import ends failed, naming them; nothing written.
    const refused = await api.op<'postInvoicesImport', { importId: string }>('postInvoicesImport', { body: importBody(openItems(`${prefix}R`, 3, ['nobody-registered-1', ...ids])) }, { as: 'finance' });
    const failed = await pollUntilFinished<{ status: string; problems: { field: string; problem: string }[] }>(api, `/invoices/import/${refused.body.importId}`);
    expect(failed.response.body).toMatchObject({ status: 'failed', problems: [{ field: 'items[0].customerId', problem: expect.stringContaining('register the customers') }] });
    expect((await api.op('getInvoicesImportImportId', { path: { importId: 'import-unknown' } })).status).toBe(404);
  });
});

describe('after the local clock was moved', () => {
  // Last in this file: the clock only moves forward.
  it('statements are still handed in, through the API and through a presigned URL, and read from S3 on the one clock', { timeout: 180_000 }, async () => {
    const now = new Date(String((await api.get<{ now: string }>('/_local/clock')).body.now));
    // Two days: far past the 15 minutes S3 allows between a signature and its clock, few daily runs on the way.
    const later = new Date(now.getTime() + 2 * 86_400_000);
    expect((await api.post('/_local/clock', { to: later.toISOString() }, 'finance')).status).toBe(200);
    const file = 'date,amount,currency,reference,payer_name,payer_account\n2026-03-09,13.00,EUR,nothing at all,Nobody Else,\n';

    // raw: a CSV body with its content type, which the client (JSON bodies only) cannot send
    const direct = await api.post<Statement>('/remittances', file, 'finance', { 'content-type': 'text/csv' });
    const issued = await api.op<'postRemittancesUploads', UploadUrl>('postRemittancesUploads', { body: { contentLength: Buffer.byteLength(file) } }, { as: 'finance' });
    const put = await fetch(issued.body.url, { method: 'PUT', body: file });
    const viaUrl = await api.op<'postRemittances', Statement>('postRemittances', { body: { uploadId: issued.body.uploadId } }, { as: 'finance' });

    expect(direct.status).toBe(202);
    expect(put.status).toBe(200);
    expect(viaUrl.status).toBe(202);
    expect((await pollUntilFinished<Statement>(api, `/remittances/${direct.body.statementId}`)).response.body).toMatchObject({ status: 'completed' });
    expect((await pollUntilFinished<Statement>(api, `/remittances/${viaUrl.body.statementId}`)).response.body).toMatchObject({ status: 'completed' });
  });
});
