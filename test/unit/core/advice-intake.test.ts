/**
 * Remittance advices received through the API (`advice-intake.ts`) over the in-memory ports: a bad
 * advice refused by field and row; an advice waiting splits the statement line it fits and is
 * marked used by it; an advice after its transfer applies the unapplied payment by the manual path,
 * once; no or several fitting payments leave it waiting; unknown invoices refuse it. Deductions
 * are booked by the one rule whichever comes first (AJ within tolerance written off, 57 above it and
 * a 04 dispute kept open), the same invoices and ledger either way, once under retries.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { aCustomer, anInvoice } from '../../support/builders';
import { cashWorld, type CashWorld } from '../../support/in-memory-cash';
import { uploadStatement } from '../../../lambdas/core/cash-application/remittances';
import { readAdviceBody, receiveAdvice, type AdviceIntakeDeps, type AdviceStore, type AdviceUse, type StoredAdvice } from '../../../lambdas/core/cash-application/advice-intake';
import { ledgerCheck } from '../../../lambdas/core/reports/ledger-check';
import { journal } from '../../../lambdas/core/ledger/ledger';
import { ValidationError } from '../../../lambdas/core/errors';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import type { RemittanceAdvice } from '../../../lambdas/core/cash-application/remittance-advice';

class InMemoryAdvices implements AdviceStore {
  readonly items = new Map<string, StoredAdvice>();
  async add(advice: StoredAdvice) {
    const existing = this.items.get(advice.adviceId);
    if (existing) return { created: false, advice: existing };
    this.items.set(advice.adviceId, advice);
    return { created: true, advice };
  }
  async get(adviceId: string) {
    return this.items.get(adviceId);
  }
  async list() {
    return { items: [...this.items.values()] };
  }
  async waiting() {
    return [...this.items.values()].filter((a) => a.status === 'waiting');
  }
  async markUsed(adviceId: string, use: AdviceUse) {
    const advice = this.items.get(adviceId);
    if (advice?.status !== 'waiting') return false;
    this.items.set(adviceId, { ...advice, status: 'used', usedBy: use });
    return true;
  }
  async claim(adviceId: string, paymentId: string) {
    const advice = this.items.get(adviceId);
    if (advice?.status !== 'waiting' || (advice.pendingPaymentId && advice.pendingPaymentId !== paymentId)) return false;
    this.items.set(adviceId, { ...advice, pendingPaymentId: paymentId });
    return true;
  }
  async markRefused(adviceId: string, reason: string) {
    const advice = this.items.get(adviceId);
    if (advice?.status !== 'waiting') return false;
    this.items.set(adviceId, { ...advice, status: 'refused', refusedReason: reason });
    return true;
  }
}

let world: CashWorld;
let advices: InMemoryAdvices;
let deps: AdviceIntakeDeps;

function seedInvoice(invoice: Invoice): Invoice {
  world.invoices.seed(invoice);
  world.tables.post(
    journal(`invoice-${invoice.invoiceId}`, 'InvoiceIssued', invoice.issuedAt, [
      { account: 'receivables', side: 'debit', amount: { minor: invoice.totalMinor, currency: invoice.currency }, reference: invoice.invoiceId },
      { account: 'revenue', side: 'credit', amount: { minor: invoice.totalMinor, currency: invoice.currency }, reference: invoice.invoiceId },
    ]),
  );
  return invoice;
}

const statement = (...rows: string[]) => ['date,amount,currency,reference,payer_name,payer_account', ...rows].join('\n') + '\n';
const HEADER = 'payer_name,payment_amount,currency,payment_date,invoice_number,paid_amount,deduction_amount,reason_code';
/** 130.00 from "Zeta Shared Services": 100.00 to invoice 1, 30.00 to invoice 2 with 10.00 deducted (X12 06). */
const ADVICE = `${HEADER}\nZeta Shared Services,130.00,EUR,2026-03-09,INV-2026-000001,100.00,,\n,,,,INV-2026-000002,30.00,10.00,06\n`;

async function advice(csv: string, requestId?: string) {
  return receiveAdvice(deps, await readAdviceBody(deps, 'text/csv', { text: csv, bytes: new TextEncoder().encode(csv) }), requestId);
}

const balance = async (invoiceId: string) => (await world.invoices.get(invoiceId))!.balanceMinor;

beforeEach(() => setUp());

function setUp() {
  world = cashWorld({ start: '2026-03-10T09:00:00Z' });
  world.customers.seed(aCustomer({ customerId: 'C-1', name: 'Acme Retail GmbH' }));
  seedInvoice(anInvoice({ invoiceId: 'I-1', sequence: 1, totalMinor: 10_000 }));
  seedInvoice(anInvoice({ invoiceId: 'I-2', sequence: 2, totalMinor: 4_000 }));
  advices = new InMemoryAdvices();
  deps = {
    advices,
    clock: world.clock,
    unapplied: world.unappliedDeps,
    openItems: world.remittanceDeps.openItems,
    readPdf: async (): Promise<RemittanceAdvice> => {
      throw new Error('no PDF in these tests');
    },
  };
}

describe('readAdviceBody', () => {
  it('refuses a bad advice naming the column and row, and an empty body', async () => {
    const read = (text: string) => readAdviceBody(deps, 'text/csv', { text, bytes: new TextEncoder().encode(text) });
    const bad = await read(ADVICE.replace('30.00,10.00,06', '30.00,10.00,99')).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).problems[0]).toMatchObject({ field: 'reason_code', location: { row: 3 } });
    await expect(read('  ')).rejects.toMatchObject({ problems: [{ field: '(body)' }] });
  });
});

describe('an advice before its transfer', () => {
  it('splits the statement line it fits exactly, keeps the deduction open, and is used by that line once', async () => {
    // Prepare
    const received = await advice(ADVICE);
    expect(received).toMatchObject({ created: true, advice: { status: 'waiting' } });

    // Act
    const { body } = await uploadStatement({ ...world.remittanceDeps, advices }, statement('2026-03-10,130.00,EUR,thanks,Zeta Shared Services,'));

    // Assess
    expect(body.lines[0]).toMatchObject({ status: 'applied', allocations: [{ invoiceId: 'I-1', amount: '100.00' }, { invoiceId: 'I-2', amount: '30.00' }] });
    expect([await balance('I-1'), await balance('I-2')]).toEqual([0, 1_000]);
    const stored = advices.items.get(received.advice.adviceId)!;
    expect(stored).toMatchObject({ status: 'used', usedBy: { paymentId: body.lines[0]!.paymentId, lineId: body.lines[0]!.lineId } });
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, problems: [] });
  });

  it('marks the advice used from the recorded line when a run stopped between writing the line and marking it', async () => {
    // Prepare: the line written with its advice, the mark lost (as if the step stopped there)
    const received = await advice(ADVICE);
    const file = statement('2026-03-10,130.00,EUR,thanks,Zeta Shared Services,');
    const { body } = await uploadStatement({ ...world.remittanceDeps, advices }, file);
    advices.items.set(received.advice.adviceId, { ...advices.items.get(received.advice.adviceId)!, status: 'waiting', usedBy: null });

    // Act: the same statement again
    await uploadStatement({ ...world.remittanceDeps, advices }, file);

    // Assess: used by the line, nothing applied twice
    expect(advices.items.get(received.advice.adviceId)).toMatchObject({ status: 'used', usedBy: { paymentId: body.lines[0]!.paymentId } });
    expect([await balance('I-1'), await balance('I-2')]).toEqual([0, 1_000]);
  });

  it('without an advice the same line stays unapplied (the advice is what splits it)', async () => {
    const { body } = await uploadStatement(world.remittanceDeps, statement('2026-03-10,130.00,EUR,thanks,Zeta Shared Services,'));
    expect(body.lines[0]).toMatchObject({ status: 'unapplied' });
  });
});

describe('an advice after its transfer', () => {
  it('applies the unapplied payment it fits over its invoices, once', async () => {
    // Prepare
    const { body } = await uploadStatement(world.remittanceDeps, statement('2026-03-10,130.00,EUR,thanks,Zeta Shared Services,'));
    const paymentId = body.lines[0]!.paymentId;

    // Act
    const first = await advice(ADVICE, 'key-1');
    const again = await advice(ADVICE, 'key-2');

    // Assess
    expect(first).toMatchObject({ created: true, advice: { status: 'used', usedBy: { paymentId } } });
    expect(again).toMatchObject({ created: false, advice: { status: 'used' } });
    expect([await balance('I-1'), await balance('I-2')]).toEqual([0, 1_000]);
    expect(await world.unappliedDeps.payments.get(paymentId)).toMatchObject({ unappliedMinor: 0, status: 'applied' });
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, problems: [] });
  });

  it('stays waiting when two unapplied payments fit alike, and is refused with the reason when an invoice is unknown', async () => {
    await uploadStatement(world.remittanceDeps, statement('2026-03-10,130.00,EUR,first,Zeta Shared Services,', '2026-03-11,130.00,EUR,second,Zeta Shared Services,'));
    expect((await advice(ADVICE)).advice.status).toBe('waiting');
    expect([await balance('I-1'), await balance('I-2')]).toEqual([10_000, 4_000]);

    await uploadStatement(world.remittanceDeps, statement('2026-03-10,55.00,EUR,other,Omega Payables,'));
    const unknown = await advice(`${HEADER}\nOmega Payables,55.00,EUR,2026-03-10,INV-2026-000999,55.00,,\n`);
    expect(unknown.advice).toMatchObject({ status: 'refused', refusedReason: expect.stringMatching(/INV-2026-000999/) });
  });
});

describe('deductions, whichever comes first', () => {
  /** 331.00 for three invoices: 200.00 less 4.00 AJ (within 5.00 and 2 %), 100.00 less 10.00 57 (above 5.00), 50.00 less 5.00 04 (a dispute). */
  const DEDUCTING = `${HEADER}\nZeta Shared Services,331.00,EUR,2026-03-09,INV-2026-000003,196.00,4.00,AJ\n,,,,INV-2026-000004,90.00,10.00,57\n,,,,INV-2026-000005,45.00,5.00,04\n`;
  const LINE = '2026-03-10,331.00,EUR,thanks,Zeta Shared Services,';

  function seedDeducted() {
    seedInvoice(anInvoice({ invoiceId: 'I-3', sequence: 3, totalMinor: 20_000 }));
    seedInvoice(anInvoice({ invoiceId: 'I-4', sequence: 4, totalMinor: 10_000 }));
    seedInvoice(anInvoice({ invoiceId: 'I-5', sequence: 5, totalMinor: 5_000 }));
  }

  /** What the books say after: each invoice's balance, paid and status, the ledger by account, and the advice's deductions. */
  async function books(adviceId: string) {
    const invoices = await Promise.all(['I-3', 'I-4', 'I-5'].map(async (id) => {
      const i = (await world.invoices.get(id))!;
      return { invoiceId: id, balanceMinor: i.balanceMinor, paidMinor: i.paidMinor, status: i.status };
    }));
    const { balances } = await world.deps.ledger.accountTotals();
    // Accounts by their balance (an account money only passed through, as unapplied cash on the transfer-first path, is at 0)
    const ledger = Object.fromEntries(balances.map((b) => [`${b.account} ${b.currency}`, b.debitMinor - b.creditMinor] as const).filter(([, net]) => net !== 0).sort());
    return { invoices, ledger, deductions: advices.items.get(adviceId)!.usedBy!.deductions };
  }

  const EXPECTED_DEDUCTIONS = [
    { invoiceId: 'I-3', invoiceNumber: 'INV-2026-000003', amountMinor: 400, reasonCode: 'AJ', booking: 'write-off', why: 'INV-2026-000003: 4.00 EUR deducted, X12 AJ Early Payment Allowance: written off (agreed terms, within tolerance)' },
    { invoiceId: 'I-4', invoiceNumber: 'INV-2026-000004', amountMinor: 1_000, reasonCode: '57', booking: 'kept-open', why: 'INV-2026-000004: 10.00 EUR deducted, X12 57 Volume Discount Taken: kept open (above the write-off tolerance)' },
    { invoiceId: 'I-5', invoiceNumber: 'INV-2026-000005', amountMinor: 500, reasonCode: '04', booking: 'kept-open', why: 'INV-2026-000005: 5.00 EUR deducted, X12 04 Item Not Accepted - Damaged: kept open for finance to credit or chase' },
  ];

  it('the transfer first: the AJ within tolerance is written off with the application, the 57 above it and the 04 dispute stay open', async () => {
    // Prepare
    seedDeducted();
    const { body } = await uploadStatement(world.remittanceDeps, statement(LINE));
    const paymentId = body.lines[0]!.paymentId;

    // Act
    const { advice: used } = await advice(DEDUCTING, 'key-1');

    // Assess: paid, written off and kept open as the rule says, in one journal
    expect(used).toMatchObject({ status: 'used', usedBy: { paymentId } });
    const invoices = await Promise.all(['I-3', 'I-4', 'I-5'].map(async (id) => (await world.invoices.get(id))!));
    expect(invoices.map((i) => [i.balanceMinor, i.paidMinor, i.status])).toEqual([
      [0, 19_600, 'PAID'],
      [1_000, 9_000, 'PARTIALLY_PAID'],
      [500, 4_500, 'PARTIALLY_PAID'],
    ]);
    expect(invoices[0]!.history.at(-1)!.note).toBe(`4.00 deducted on remittance advice ${used.adviceId} (X12 AJ) written off`);
    expect(invoices[2]!.history.at(-1)!.note).toContain('X12 04 Item Not Accepted - Damaged: kept open for finance to credit or chase');
    expect(used.usedBy!.deductions).toEqual(
      EXPECTED_DEDUCTIONS.map((d) => ({ invoiceId: d.invoiceId, invoiceNumber: d.invoiceNumber, amount: (d.amountMinor / 100).toFixed(2), reasonCode: d.reasonCode, reasonName: expect.any(String), booking: d.booking, why: d.why })),
    );
    const { ledger } = await books(used.adviceId);
    expect(ledger).toEqual({ 'cash EUR': 33_100, 'receivables EUR': 15_500, 'revenue EUR': -49_000, 'write-off EUR': 400 });
    expect(await world.unappliedDeps.payments.get(paymentId)).toMatchObject({ unappliedMinor: 0, status: 'applied' });
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, problems: [] });
  });

  it('gives the same invoices and ledger as the advice first', async () => {
    // Act: the advice first, then its transfer
    seedDeducted();
    const first = await advice(DEDUCTING);
    await uploadStatement({ ...world.remittanceDeps, advices }, statement(LINE));
    const adviceFirst = await books(first.advice.adviceId);

    // Act: the transfer first, then its advice (a fresh world)
    setUp();
    seedDeducted();
    await uploadStatement(world.remittanceDeps, statement(LINE));
    const late = await advice(DEDUCTING);
    const transferFirst = await books(late.advice.adviceId);

    // Assess
    expect(adviceFirst.deductions).toEqual(EXPECTED_DEDUCTIONS);
    expect(transferFirst).toEqual(adviceFirst);
    expect(adviceFirst.ledger['write-off EUR']).toBe(400);
  });

  it('writes off once under retries: the same key again, a new request, and a retry after the mark was lost', async () => {
    // Prepare
    seedDeducted();
    await uploadStatement(world.remittanceDeps, statement(LINE));
    const first = await advice(DEDUCTING, 'key-1');
    const adviceId = first.advice.adviceId;

    // Act: the mark lost (as if the function stopped between the posting and the mark), then the advice again
    advices.items.set(adviceId, { ...advices.items.get(adviceId)!, status: 'waiting', usedBy: null });
    const retried = await advice(DEDUCTING, 'key-1');
    const resent = await advice(DEDUCTING, 'key-2');

    // Assess: the retry goes on with the payment it claimed and marks the advice used with the deductions as booked; nothing booked twice
    expect(retried.advice).toMatchObject({ status: 'used', usedBy: { paymentId: first.advice.usedBy!.paymentId } });
    expect(retried.advice.usedBy!.deductions.map((d) => [d.reasonCode, d.booking])).toEqual([
      ['AJ', 'write-off'],
      ['57', 'kept-open'],
      ['04', 'kept-open'],
    ]);
    expect(resent).toMatchObject({ created: false, advice: { status: 'used' } });
    expect([await balance('I-3'), await balance('I-4'), await balance('I-5')]).toEqual([0, 1_000, 500]);
    const { balances } = await world.deps.ledger.accountTotals();
    expect(balances.find((b) => b.account === 'write-off')).toMatchObject({ debitMinor: 400, creditMinor: 0 });
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, problems: [] });
  });

  it('books a deduction on an invoice the advice pays nothing to: an AJ written off, a dispute left as it is', async () => {
    // Prepare: 200.00 for INV-3 in full; INV-4 nothing paid, 2.00 AJ (2 % of 100.00); INV-5 nothing paid, 5.00 disputed
    seedDeducted();
    await uploadStatement(world.remittanceDeps, statement('2026-03-10,200.00,EUR,thanks,Zeta Shared Services,'));

    // Act
    const { advice: used } = await advice(`${HEADER}\nZeta Shared Services,200.00,EUR,2026-03-09,INV-2026-000003,200.00,,\n,,,,INV-2026-000004,0.00,2.00,AJ\n,,,,INV-2026-000005,0.00,5.00,04\n`);

    // Assess
    expect(used.status).toBe('used');
    expect(used.usedBy!.deductions.map((d) => [d.invoiceNumber, d.amount, d.booking])).toEqual([
      ['INV-2026-000004', '2.00', 'write-off'],
      ['INV-2026-000005', '5.00', 'kept-open'],
    ]);
    expect([await balance('I-3'), await balance('I-4'), await balance('I-5')]).toEqual([0, 9_800, 5_000]);
    expect((await world.invoices.get('I-5'))!.history).toHaveLength(anInvoice({ invoiceId: 'I-5', sequence: 5, totalMinor: 5_000 }).history.length);
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, problems: [] });
  });

  it('is refused with the reason when an invoice has less open than the advice pays and deducts, and books nothing', async () => {
    // Prepare: INV-2026-000005 is 50.00; the advice pays 45.00 and deducts 6.00
    seedDeducted();
    await uploadStatement(world.remittanceDeps, statement('2026-03-10,45.00,EUR,thanks,Zeta Shared Services,'));

    // Act
    const { advice: refused } = await advice(`${HEADER}\nZeta Shared Services,45.00,EUR,2026-03-09,INV-2026-000005,45.00,6.00,04\n`);

    // Assess
    expect(refused).toMatchObject({ status: 'refused', refusedReason: expect.stringMatching(/has 50\.00 open, the advice pays and deducts 51\.00/) });
    expect(await balance('I-5')).toBe(5_000);
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, problems: [] });
  });
});
