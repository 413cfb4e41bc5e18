/**
 * POST /remittances and GET /remittances/{id} as use cases over the in-memory ports: every kind of
 * line applied as the matcher reads it, only the open items the lines concern loaded, each line
 * applied once whatever is uploaded again, chunks with progress, resuming after a failure, and
 * conflicts with other writers.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { aCustomer, anInvoice } from '../../support/builders';
import { cashWorld, type CashWorld, type RememberedPayers } from '../../support/in-memory-cash';
import { getStatement, groupsOf, uploadStatement } from '../../../lambdas/core/cash-application/remittances';
import { ledgerCheck } from '../../../lambdas/core/reports/ledger-check';
import { journal } from '../../../lambdas/core/ledger/ledger';
import { NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import { readFileSync } from 'node:fs';
import { acceptStatement, applyStatementLines, readStatement, type StatementJob } from '../../../lambdas/core/cash-application/statement-processing';
import { InMemoryFiles, InMemoryStarter } from '../../support/in-memory-uploads';

let world: CashWorld;
const tokens = new Map<string, string>();

/** Stores an invoice as issued (with its journal) whose settlement waits for payment. */
function seedInvoice(invoice: Invoice): Invoice {
  const token = world.workflow.newTaskToken(`payment-${invoice.invoiceId}`);
  tokens.set(invoice.invoiceId, token);
  world.invoices.seed(invoice, token);
  world.tables.post(
    journal(`invoice-${invoice.invoiceId}`, 'InvoiceIssued', invoice.issuedAt, [
      { account: 'receivables', side: 'debit', amount: { minor: invoice.totalMinor, currency: invoice.currency }, reference: invoice.invoiceId },
      { account: 'revenue', side: 'credit', amount: { minor: invoice.totalMinor, currency: invoice.currency }, reference: invoice.invoiceId },
    ]),
  );
  return invoice;
}

const HEADER = 'date,amount,currency,reference,payer_name,payer_account';
function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

let i1: Invoice, i2: Invoice, i3: Invoice, i4: Invoice, i5: Invoice, i6: Invoice;

beforeEach(() => {
  world = cashWorld({ start: '2026-03-10T09:00:00Z' });
  tokens.clear();
  for (const [customerId, name] of [['C-1', 'Acme Retail GmbH'], ['C-2', 'Globex SARL'], ['C-3', 'Initech BV'], ['C-9', 'Noise Ltd']] as const) {
    world.customers.seed(aCustomer({ customerId, name }));
  }
  i1 = seedInvoice(anInvoice({ invoiceId: 'I-1', sequence: 1, customerId: 'C-1', customerName: 'Acme Retail GmbH', totalMinor: 119_000 }));
  i2 = seedInvoice(anInvoice({ invoiceId: 'I-2', sequence: 2, customerId: 'C-1', customerName: 'Acme Retail GmbH', totalMinor: 25_000 }));
  i3 = seedInvoice(anInvoice({ invoiceId: 'I-3', sequence: 3, customerId: 'C-2', customerName: 'Globex SARL', totalMinor: 30_000 }));
  i4 = seedInvoice(anInvoice({ invoiceId: 'I-4', sequence: 4, customerId: 'C-2', customerName: 'Globex SARL', totalMinor: 20_000 }));
  i5 = seedInvoice(anInvoice({ invoiceId: 'I-5', sequence: 5, customerId: 'C-2', customerName: 'Globex SARL', totalMinor: 100_000 }));
  i6 = seedInvoice(anInvoice({ invoiceId: 'I-6', sequence: 6, customerId: 'C-3', customerName: 'Initech BV', totalMinor: 50_000 }));
  for (let n = 100; n < 130; n++) seedInvoice(anInvoice({ invoiceId: `I-${n}`, sequence: n, customerId: 'C-9', customerName: 'Noise Ltd', totalMinor: 7_777 }));
});

/** One line of each kind the issue names. */
function mixedStatement(): string {
  return csv(
    `2026-03-09,1190.00,EUR,${i1.rfReference},Acme Retail GmbH,DE44500105175407324931`,
    `2026-03-09,250.00,EUR,"Rechnung inv 2026 2, danke",Acme Retail GmbH,DE44500105175407324931`,
    `2026-03-09,500.00,EUR,${i3.number} + ${i4.number},Globex SARL,FR1420041010050500013M02606`,
    `2026-03-09,400.00,EUR,part of ${i5.number},Globex SARL,FR1420041010050500013M02606`,
    `2026-03-09,550.00,EUR,${i6.rfReference},Initech BV,NL39RABO0300065264`,
    `2026-03-09,77.77,EUR,,Unknown Person,GB29NWBK60161331926819`,
    `2026-03-09,-12.50,EUR,bank fee,,`,
  );
}

describe('uploadStatement', () => {
  it('applies every kind of line, settles the paid invoices and keeps the books balanced', async () => {
    // Act
    const outcome = await uploadStatement(world.remittanceDeps, mixedStatement());

    // Assess
    expect(outcome).toMatchObject({ created: true, complete: true });
    expect(outcome.body).toMatchObject({ status: 'completed', total: 6, processed: 6, progress: '6/6', debitLinesIgnored: 1, counts: { applied: 5, suggested: 0, unapplied: 1 }, lastUpload: { newlyRecorded: 6, alreadyRecorded: 0 } });
    const lines = outcome.body.lines;
    expect(lines.map((l) => [l.lineId, l.status])).toEqual([
      ['line-1', 'applied'],
      ['line-2', 'applied'],
      ['line-3', 'applied'],
      ['line-4', 'applied'],
      ['line-5', 'applied'],
      ['line-6', 'unapplied'],
    ]);
    expect(lines[2]!.allocations).toEqual([
      { invoiceId: 'I-3', invoiceNumber: i3.number, amount: '300.00' },
      { invoiceId: 'I-4', invoiceNumber: i4.number, amount: '200.00' },
    ]);
    expect(lines[4]).toMatchObject({ onAccountAmount: '50.00', amount: '550.00', currency: 'EUR' });
    expect(lines[0]!.confidence).toBeGreaterThan(0.9);
    expect(lines[0]!.reasons.join(' ')).toContain('RF reference');
    expect(lines.every((l) => l.alreadyRecorded === false)).toBe(true);

    const status = (id: string) => world.tables.invoices.get(id)!.status;
    expect([status('I-1'), status('I-2'), status('I-3'), status('I-4'), status('I-5'), status('I-6')]).toEqual(['PAID', 'PAID', 'PAID', 'PAID', 'PARTIALLY_PAID', 'PAID']);
    expect(world.tables.invoices.get('I-5')!.balanceMinor).toBe(60_000);
    expect(world.tables.customers.get('C-3')!.onAccountCreditMinor).toBe(5_000);
    const resumed = world.workflow.acceptedResumes().map((r) => r.output.invoiceId).sort();
    expect(resumed).toEqual(['I-1', 'I-2', 'I-3', 'I-4', 'I-6']);
    expect(world.workflow.acceptedResumes(tokens.get('I-1'))[0]!.output).toEqual({ invoiceId: 'I-1', status: 'PAID' });

    const unapplied = [...world.tables.payments.values()].filter((p) => p.unappliedMinor > 0);
    expect(unapplied).toHaveLength(1);
    expect(unapplied[0]).toMatchObject({ amountMinor: 7_777, status: 'unapplied', source: 'statement', suggestion: { status: 'unapplied' } });
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, problems: [] });
  });

  it('loads only the open items the lines concern, never the whole invoice table', async () => {
    // Act
    await uploadStatement(world.remittanceDeps, mixedStatement());

    // Assess: the 30 invoices of C-9 were never read; payers were looked up once per account and name
    const read = [...world.openItems.calls.invoicesRead];
    expect(read.some((id) => Number(id.slice(2)) >= 100)).toBe(false);
    expect(world.openItems.calls.rfReferences.sort()).toEqual([i1.rfReference, i6.rfReference].sort());
    expect(world.openItems.calls.invoiceNumbers).toEqual(expect.arrayContaining([i2.number, i3.number, i4.number, i5.number]));
    expect(world.openItems.calls.payerKeys).toContain('account#GB29NWBK60161331926819');
  });

  it('applies nothing twice when the same statement is uploaded again, and says so line by line', async () => {
    // Prepare
    const first = await uploadStatement(world.remittanceDeps, mixedStatement());
    const balances = [...world.tables.invoices.values()].map((i) => [i.invoiceId, i.balanceMinor]);
    const ledgerRows = world.tables.ledger.length;
    const payments = world.tables.payments.size;
    world.workflow.forgetCalls();

    // Act
    const second = await uploadStatement(world.remittanceDeps, mixedStatement());

    // Assess
    expect(second).toMatchObject({ created: false, complete: true });
    expect(second.body).toMatchObject({ statementId: first.body.statementId, uploads: 2, status: 'completed', processed: 6, counts: first.body.counts, lastUpload: { newlyRecorded: 0, alreadyRecorded: 6 } });
    expect(second.body.lines.every((l) => l.alreadyRecorded)).toBe(true);
    expect(second.body.lines.map((l) => l.paymentId)).toEqual(first.body.lines.map((l) => l.paymentId));
    expect([...world.tables.invoices.values()].map((i) => [i.invoiceId, i.balanceMinor])).toEqual(balances);
    expect(world.tables.ledger).toHaveLength(ledgerRows);
    expect(world.tables.payments.size).toBe(payments);
    expect(world.workflow.resumes).toEqual([]);
  });

  it('reports a line another file recorded before as recorded by that statement, and moves no money', async () => {
    // Prepare
    const first = await uploadStatement(world.remittanceDeps, csv(`2026-03-09,1190.00,EUR,${i1.rfReference},Acme Retail GmbH,DE44500105175407324931`));
    const ledgerRows = world.tables.ledger.length;

    // Act: a camt notification carrying the same payment under its bank reference would differ; a
    // CSV export of the same day with the same first row is the same line.
    const second = await uploadStatement(
      world.remittanceDeps,
      csv(`2026-03-09,1190.00,EUR,${i1.rfReference},Acme Retail GmbH,DE44500105175407324931`, `2026-03-09,250.00,EUR,${i2.number},Acme Retail GmbH,DE44500105175407324931`),
    );

    // Assess
    expect(second.created).toBe(true);
    expect(second.body.lines[0]).toMatchObject({ status: 'applied', alreadyRecorded: true, recordedIn: first.body.statementId, paymentId: first.body.lines[0]!.paymentId });
    expect(second.body.lines[1]).toMatchObject({ status: 'applied', alreadyRecorded: false, recordedIn: second.body.statementId });
    expect(world.tables.ledger.length).toBe(ledgerRows + 2);
    const shown = await getStatement(world.remittanceDeps, second.body.statementId, {});
    expect(shown.lines.map((l) => l.recordedIn)).toEqual([first.body.statementId, second.body.statementId]);
  });

  it('rejects a file that does not parse with the place of the problem, and writes nothing', async () => {
    // Prepare
    const broken = csv(`2026-03-09,1190.00,EUR,x,Acme,`, `2026-03-09,12,50,EUR,y,Acme,`);

    // Act
    let error: unknown;
    try {
      await uploadStatement(world.remittanceDeps, broken);
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    const problem = (error as ValidationError).problems[0] as { field: string; problem: string; location?: { line?: number } };
    expect(problem.field).toBe('(body)');
    expect(problem.problem).toMatch(/line 3/);
    expect(problem.location).toMatchObject({ line: 3 });
    expect(world.cash.statements.size).toBe(0);
    expect(world.tables.payments.size).toBe(0);

    await expect(uploadStatement(world.remittanceDeps, '   ')).rejects.toThrow(/\(body\): is empty/);
    await expect(uploadStatement(world.remittanceDeps, '<Document xmlns="urn:other"/>')).rejects.toThrow(ValidationError);
  });

  it('lists at most 200 lines in its answer (small enough to keep for idempotent replay); GET pages through all', async () => {
    // Act
    const rows = Array.from({ length: 205 }, (_, n) => `2026-03-09,${n + 1}.00,EUR,,Payer ${n},`);
    const outcome = await uploadStatement(world.remittanceDeps, csv(...rows));

    // Assess
    expect(outcome.body.lines).toHaveLength(200);
    expect(outcome.body).toMatchObject({ total: 205, processed: 205, linesTruncated: true });
    expect((await getStatement(world.remittanceDeps, outcome.body.statementId, { limit: '1000' })).lines).toHaveLength(205);
  });

  it('processes the file in chunks, saving the progress after each', async () => {
    // Act
    await uploadStatement(world.remittanceDeps, mixedStatement(), { chunkSize: 2 });

    // Assess
    expect(world.cash.progressLog.map((p) => [p.progress.status, p.progress.processed])).toEqual([
      ['processing', 2],
      ['processing', 4],
      ['completed', 6],
    ]);
  });

  it('leaves every line whole when it fails partway, and the same file uploaded again continues where it stopped', async () => {
    // Prepare: the second chunk's write (its two lines in one transaction) fails, as a lost connection would
    world.postings.beforeNextPost(() => undefined);
    world.postings.beforeNextPost(() => {
      throw new Error('connection reset');
    });

    // Act
    await expect(uploadStatement(world.remittanceDeps, mixedStatement(), { chunkSize: 2 })).rejects.toThrow('connection reset');
    const failed = [...world.cash.statements.values()][0]!;
    const afterFailure = world.tables.payments.size;
    const resumed = await uploadStatement(world.remittanceDeps, mixedStatement(), { chunkSize: 2 });

    // Assess
    expect(failed).toMatchObject({ status: 'failed', processed: 2 });
    expect(failed.error).toMatch(/stopped after 2 of 6 lines: connection reset/);
    expect(afterFailure).toBe(2);
    expect(resumed.body).toMatchObject({ status: 'completed', processed: 6, lastUpload: { newlyRecorded: 4, alreadyRecorded: 2 }, counts: { applied: 5, unapplied: 1 } });
    expect(world.tables.payments.size).toBe(6);
    expect(world.tables.invoices.get('I-5')!.balanceMinor).toBe(60_000);
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true });
  });

  it('resumes the settlement of invoices an interrupted upload settled without resuming', async () => {
    // Prepare: the first line is applied, then the upload dies before resuming the execution
    const line = csv(`2026-03-09,1190.00,EUR,${i1.rfReference},Acme Retail GmbH,DE44500105175407324931`, `2026-03-09,77.77,EUR,,Unknown Person,`);
    const realResume = world.workflow.resume.bind(world.workflow);
    world.workflow.resume = async () => {
      throw new Error('Step Functions unavailable');
    };
    await expect(uploadStatement(world.remittanceDeps, line)).rejects.toThrow('Step Functions unavailable');
    world.workflow.resume = realResume;
    expect(world.workflow.isWaiting(tokens.get('I-1')!)).toBe(true);

    // Act
    await uploadStatement(world.remittanceDeps, line);

    // Assess
    expect(world.workflow.isWaiting(tokens.get('I-1')!)).toBe(false);
    expect(world.tables.invoices.get('I-1')!.balanceMinor).toBe(0);
  });

  it('ApplyLines retried after a crash resumes the settlement of invoices its crashed attempt settled without resuming, and counts those lines as its own', async () => {
    // Prepare: the upload is accepted, its file read; the first attempt applies the first line and dies before resuming the execution
    const files = new InMemoryFiles();
    const starter = new InMemoryStarter();
    const line = csv(`2026-03-09,1190.00,EUR,${i1.rfReference},Acme Retail GmbH,DE44500105175407324931`, `2026-03-09,77.77,EUR,,Unknown Person,`);
    await acceptStatement({ statements: world.remittanceDeps.statements, files, processing: starter, clock: world.clock }, { kind: 'body', content: line });
    const job = starter.started[0]!.input as unknown as StatementJob;
    world.clock.advanceMs(1_000);
    await readStatement({ ...world.remittanceDeps, files }, job);
    const realResume = world.workflow.resume.bind(world.workflow);
    world.workflow.resume = async () => {
      throw new Error('Step Functions unavailable');
    };
    await expect(applyStatementLines({ ...world.remittanceDeps, files }, job)).rejects.toThrow('Step Functions unavailable');
    world.workflow.resume = realResume;
    expect(world.workflow.isWaiting(tokens.get('I-1')!)).toBe(true);

    // Act: the state machine's retry
    const retried = await applyStatementLines({ ...world.remittanceDeps, files }, job);

    // Assess
    expect(retried).toMatchObject({ done: true, processed: 2, total: 2 });
    expect(world.workflow.isWaiting(tokens.get('I-1')!)).toBe(false);
    expect(world.tables.invoices.get('I-1')!.balanceMinor).toBe(0);
    expect(world.tables.payments.size).toBe(2);
    expect(await world.remittanceDeps.statements.get(job.statementId)).toMatchObject({ status: 'completed', lastUpload: { newlyRecorded: 2, alreadyRecorded: 0 } });
  });

  it('stops between chunks when its time runs out, and the same file uploaded again continues', async () => {
    // Prepare: enough time for one chunk only
    let left = 100_000;
    const timeLeftMs = () => (left -= 60_000);

    // Act
    const first = await uploadStatement(world.remittanceDeps, mixedStatement(), { chunkSize: 4, timeLeftMs, reserveMs: 30_000 });
    const second = await uploadStatement(world.remittanceDeps, mixedStatement(), { chunkSize: 4 });

    // Assess
    expect(first).toMatchObject({ complete: false, body: { status: 'incomplete', processed: 4, total: 6 } });
    expect(first.body.error).toMatch(/upload the same file again to continue/);
    expect(second).toMatchObject({ complete: true, body: { status: 'completed', processed: 6, lastUpload: { newlyRecorded: 2, alreadyRecorded: 4 } } });
  });

  it('reads and matches again when another writer paid an invoice between the read and the write', async () => {
    // Prepare: an online payment settles I-2 just before the statement's line for it is written
    world.postings.beforeNextPost(() => {
      const invoice = world.tables.invoices.get('I-2')!;
      world.tables.invoices.set('I-2', { ...invoice, paidMinor: 25_000, balanceMinor: 0, status: 'PAID' });
    });

    // Act
    const outcome = await uploadStatement(world.remittanceDeps, csv(`2026-03-09,250.00,EUR,${i2.number},Acme Retail GmbH,DE44500105175407324931`));

    // Assess: the line is matched again, finds the invoice settled and stays unapplied
    expect(world.tables.stats.concurrentUpdates).toBe(1);
    expect(outcome.body.lines[0]).toMatchObject({ status: 'unapplied' });
    expect(outcome.body.lines[0]!.reasons.join(' ')).toMatch(/already settled/);
    expect(world.tables.invoices.get('I-2')!.balanceMinor).toBe(0);
  });

  it('applies each line once when the same file is uploaded twice at the same time', async () => {
    // Prepare
    const slow = cashWorld({ start: '2026-03-10T09:00:00Z', latency: () => new Promise((r) => setTimeout(r, 1)) });
    for (const c of world.tables.customers.values()) slow.customers.seed(c);
    for (const i of world.tables.invoices.values()) slow.invoices.seed(i);
    for (const row of world.tables.ledger) slow.tables.ledger.push(row);

    // Act
    const [a, b] = await Promise.all([uploadStatement(slow.remittanceDeps, mixedStatement(), { chunkSize: 2 }), uploadStatement(slow.remittanceDeps, mixedStatement(), { chunkSize: 2 })]);

    // Assess
    expect(a.body.lastUpload.newlyRecorded + b.body.lastUpload.newlyRecorded).toBe(6);
    expect(slow.tables.payments.size).toBe(6);
    expect(slow.tables.invoices.get('I-5')!.balanceMinor).toBe(60_000);
    expect(await ledgerCheck(slow.deps)).toMatchObject({ balanced: true });
  });

  it('remembers the account of a payer who quoted a reference, and knows the payer by it in the next statement', async () => {
    // Prepare: C-1 pays I-1 quoting its RF reference from an account nobody knew
    await uploadStatement(world.remittanceDeps, csv(`2026-03-09,1190.00,EUR,${i1.rfReference},A. R.,DE44500105175407324931`));

    // Act: the same account pays I-2's exact amount without any reference
    const next = await uploadStatement(world.remittanceDeps, csv(`2026-03-10,250.00,EUR,,A. R.,DE44500105175407324931`));

    // Assess
    expect((world.tables.customers.get('C-1') as unknown as RememberedPayers).knownPayerAccounts).toEqual(new Set(['DE44500105175407324931']));
    expect(world.cash.payers.get('account#DE44500105175407324931')).toEqual(new Set(['C-1']));
    expect(next.body.lines[0]).toMatchObject({ status: 'applied', customerId: 'C-1', allocations: [{ invoiceId: 'I-2' }] });
    expect(next.body.lines[0]!.reasons.join(' ')).toMatch(/payer account \*\*\*\*4931 is known for C-1/);
  });

  it('reads the camt.054 fixture: RF and loosely written numbers, a batch split per transaction, the debit ignored', async () => {
    // Prepare: invoices with the numbers the hand-written fixture quotes
    world = cashWorld({ start: '2026-03-10T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    for (const [sequence, totalMinor] of [[123, 119_000], [124, 25_000], [125, 50_000], [126, 100_000]] as const) {
      // The fixture quotes RF462026000123 (the number's digits as base) for the first one.
      seedInvoice(anInvoice({ invoiceId: `I-${sequence}`, sequence, totalMinor, ...(sequence === 123 ? { rfReference: 'RF462026000123' } : {}) }));
    }
    const file = readFileSync(new URL('../../fixtures/bank/camt054-v8-customer-payments.xml', import.meta.url), 'utf8');

    // Act
    const outcome = await uploadStatement(world.remittanceDeps, file);

    // Assess
    expect(outcome.body).toMatchObject({ format: 'camt.054', total: 5, debitLinesIgnored: 1, accounts: ['DE89370400440532013000'] });
    expect(outcome.body.lines.slice(0, 4).map((l) => [l.lineId, l.status, l.allocations.map((a) => a.invoiceId)])).toEqual([
      ['2026030200001-1', 'applied', ['I-123']],
      ['2026030200002#1', 'applied', ['I-124']],
      ['GLOBEX-7781', 'applied', ['I-125']],
      ['2026030300007#2', 'applied', ['I-126']],
    ]);
    expect(world.tables.invoices.get('I-126')).toMatchObject({ status: 'PARTIALLY_PAID', balanceMinor: 70_000 });
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true });
  });
});

describe('getStatement', () => {
  it('gives the statement with its progress and pages through its lines', async () => {
    // Prepare
    const { body } = await uploadStatement(world.remittanceDeps, mixedStatement());

    // Act
    const first = await getStatement(world.remittanceDeps, body.statementId, { limit: '4' });
    const rest = await getStatement(world.remittanceDeps, body.statementId, { limit: '4', cursor: first.cursor! });

    // Assess
    expect(first).toMatchObject({ statementId: body.statementId, status: 'completed', processed: 6, total: 6, format: 'csv' });
    expect(first.lines.map((l) => l.sequence)).toEqual([1, 2, 3, 4]);
    expect(rest.lines.map((l) => l.sequence)).toEqual([5, 6]);
    expect(rest.cursor).toBeNull();
    expect(first.lines[0]).toMatchObject({ status: 'applied', amount: '1190.00', currency: 'EUR', allocations: [{ invoiceId: 'I-1', amount: '1190.00' }] });
  });

  it('answers not found for an unknown statement and refuses a bad limit', async () => {
    await expect(getStatement(world.remittanceDeps, 'st-unknown', {})).rejects.toThrow(NotFoundError);
    await expect(getStatement(world.remittanceDeps, 'st-unknown', { limit: '0' })).rejects.toThrow(/limit/);
  });
});

describe('groupsOf', () => {
  it('puts lines sharing an invoice or a customer in one group, in file order, and the others apart', () => {
    // Prepare
    const entries = ['a', 'b', 'c', 'd', 'e'].map((lineKey) => ({ lineKey }));
    const lines = new Map([
      ['a', { invoiceIds: ['I-1'], customerIds: ['C-1'] }],
      ['b', { invoiceIds: ['I-7'], customerIds: ['C-2'] }],
      ['c', { invoiceIds: ['I-2'], customerIds: ['C-1'] }],
      ['d', { invoiceIds: [], customerIds: [] }],
      ['e', { invoiceIds: ['I-7', 'I-9'], customerIds: ['C-2', 'C-3'] }],
    ]);

    // Act
    const groups = groupsOf(entries, { lines });

    // Assess
    expect(groups.map((g) => g.map((e) => e.lineKey))).toEqual([['a', 'c'], ['b', 'e'], ['d']]);
  });
});
