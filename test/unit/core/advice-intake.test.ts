/**
 * Remittance advices received through the API (`advice-intake.ts`) over the in-memory ports: a bad
 * advice refused by field and row; an advice waiting splits the statement line it fits and is
 * marked used by it; an advice after its transfer applies the unapplied payment by the manual path,
 * once; no or several fitting payments leave it waiting; unknown invoices refuse it.
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

beforeEach(() => {
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
});

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
