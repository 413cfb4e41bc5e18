/**
 * GET /payments/unapplied and POST /payments/{paymentId}/apply as use cases over the in-memory
 * ports: the worklist with the matcher's suggestions, applying by hand (all or part), the payer
 * remembered and used by the next statement, settled invoices resumed, conflicts retried.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { aCustomer, anInvoice } from '../../support/builders';
import { cashWorld, type CashWorld, type RememberedPayers } from '../../support/in-memory-cash';
import { uploadStatement } from '../../../lambdas/core/cash-application/remittances';
import { applyPaymentByHand, listUnappliedPayments } from '../../../lambdas/core/cash-application/unapplied-payments';
import { ledgerCheck } from '../../../lambdas/core/reports/ledger-check';
import { journal } from '../../../lambdas/core/ledger/ledger';
import { ConflictError, NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';

let world: CashWorld;
let token: string;

function seedInvoice(invoice: Invoice, withToken = false): Invoice {
  const t = withToken ? world.workflow.newTaskToken(`payment-${invoice.invoiceId}`) : undefined;
  if (t) token = t;
  world.invoices.seed(invoice, t);
  world.tables.post(
    journal(`invoice-${invoice.invoiceId}`, 'InvoiceIssued', invoice.issuedAt, [
      { account: 'receivables', side: 'debit', amount: { minor: invoice.totalMinor, currency: invoice.currency }, reference: invoice.invoiceId },
      { account: 'revenue', side: 'credit', amount: { minor: invoice.totalMinor, currency: invoice.currency }, reference: invoice.invoiceId },
    ]),
  );
  return invoice;
}

const csv = (...rows: string[]) => ['date,amount,currency,reference,payer_name,payer_account', ...rows].join('\n') + '\n';

/** Uploads lines nobody can match and returns their payment ids, in order. */
async function unappliedPayments(...rows: string[]): Promise<string[]> {
  const { body } = await uploadStatement(world.remittanceDeps, csv(...rows));
  return body.lines.map((l) => l.paymentId);
}

beforeEach(() => {
  world = cashWorld({ start: '2026-03-10T09:00:00Z' });
  world.customers.seed(aCustomer({ customerId: 'C-1', name: 'Acme Retail GmbH' }));
  world.customers.seed(aCustomer({ customerId: 'C-2', name: 'Globex SARL' }));
  seedInvoice(anInvoice({ invoiceId: 'I-1', sequence: 1, totalMinor: 10_000 }), true);
  seedInvoice(anInvoice({ invoiceId: 'I-2', sequence: 2, totalMinor: 4_000 }));
  seedInvoice(anInvoice({ invoiceId: 'I-3', sequence: 3, customerId: 'C-2', totalMinor: 10_000 }));
});

describe('listUnappliedPayments', () => {
  it('lists the payments with money unapplied, oldest first, with the suggestion, page by page', async () => {
    // Prepare: quoting invoices of two customers makes the first line a suggestion; the others fit nothing
    const [first] = await unappliedPayments('2026-03-09,100.00,EUR,INV-2026-000001 INV-2026-000003,Somebody,');
    world.clock.advanceMs(1000);
    const [second, third] = await unappliedPayments('2026-03-09,33.00,EUR,order 77,Jane,NL91ABNA0417164300', '2026-03-09,34.00,EUR,,Joe,');

    // Act
    const page = await listUnappliedPayments(world.unappliedDeps, { limit: '2' });
    const next = await listUnappliedPayments(world.unappliedDeps, { limit: '2', cursor: page.cursor! });

    // Assess
    expect(page.items.map((p) => p.paymentId)).toEqual([first, second]);
    expect(next.items.map((p) => p.paymentId)).toEqual([third]);
    expect(next.cursor).toBeNull();
    expect(page.items[0]).toMatchObject({
      status: 'unapplied',
      amount: '100.00',
      unappliedAmount: '100.00',
      source: 'statement',
      suggestion: { status: 'suggested', confidence: 0.5, candidates: [{ invoiceId: 'I-1' }, { invoiceId: 'I-3' }] },
    });
    expect(page.items[1]).toMatchObject({ payerName: 'Jane', payerAccount: 'NL91ABNA0417164300', reference: 'order 77', suggestion: { status: 'unapplied' } });
    expect(page.items[1]!.statement).toMatchObject({ sequence: 1, lineId: 'line-1' });
  });

  it('refuses a limit out of range', async () => {
    await expect(listUnappliedPayments(world.unappliedDeps, { limit: '500' })).rejects.toThrow(ValidationError);
  });
});

describe('applyPaymentByHand', () => {
  it('applies the payment, takes it off the worklist, resumes the settled invoice and keeps the books balanced', async () => {
    // Prepare
    const [paymentId] = await unappliedPayments('2026-03-09,100.00,EUR,see mail,Müller & Söhne GmbH,NL91 ABNA 0417 1643 00');

    // Act
    const view = await applyPaymentByHand(world.unappliedDeps, paymentId!, { allocations: [{ invoiceId: 'I-1', amount: '100.00' }] });

    // Assess
    expect(view).toMatchObject({ paymentId, status: 'applied', unappliedAmount: '0.00', customerId: 'C-1', allocations: [{ invoiceId: 'I-1', amount: '100.00' }] });
    expect(world.tables.invoices.get('I-1')).toMatchObject({ status: 'PAID', balanceMinor: 0 });
    expect((await listUnappliedPayments(world.unappliedDeps, {})).items).toEqual([]);
    expect(world.workflow.acceptedResumes(token)[0]!.output).toEqual({ invoiceId: 'I-1', status: 'PAID' });
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, problems: [] });
    expect(world.tables.ledger.filter((r) => r.event === 'UnappliedPaymentApplied').map((r) => [r.account, r.side, r.amountMinor])).toEqual([
      ['unapplied-cash', 'debit', 10_000],
      ['receivables', 'credit', 10_000],
    ]);
  });

  it('applies once when the same request is retried after it was written (its Idempotency-Key gives the same request id)', async () => {
    // Prepare
    const [paymentId] = await unappliedPayments('2026-03-09,100.00,EUR,see mail,Müller & Söhne GmbH,NL91 ABNA 0417 1643 00');
    const first = await applyPaymentByHand(world.unappliedDeps, paymentId!, { allocations: [{ invoiceId: 'I-1', amount: '30.00' }] }, 'request-1');

    // Act
    const retry = await applyPaymentByHand(world.unappliedDeps, paymentId!, { allocations: [{ invoiceId: 'I-1', amount: '30.00' }] }, 'request-1');

    // Assess
    expect(retry).toEqual(first);
    expect(world.tables.invoices.get('I-1')).toMatchObject({ balanceMinor: 7_000 });
    expect(world.tables.ledger.filter((r) => r.event === 'UnappliedPaymentApplied' && r.account === 'unapplied-cash')).toHaveLength(1);
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true });
  });

  it("remembers the payer's account and name for the customer, so the next statement applies their payment by itself", async () => {
    // Prepare
    const [paymentId] = await unappliedPayments('2026-03-09,100.00,EUR,,Müller & Söhne GmbH,NL91 ABNA 0417 1643 00');
    await applyPaymentByHand(world.unappliedDeps, paymentId!, { allocations: [{ invoiceId: 'I-1', amount: '100.00' }] });

    // Act: the same payer pays the other invoice's exact amount without a reference
    const next = await uploadStatement(world.remittanceDeps, csv('2026-03-12,40.00,EUR,,Mueller und Soehne,NL91ABNA0417164300'));

    // Assess
    const customer = world.tables.customers.get('C-1') as unknown as RememberedPayers & { name: string; onAccountCreditMinor: number };
    expect(customer.knownPayerAccounts).toEqual(new Set(['NL91ABNA0417164300']));
    expect(customer.knownPayerNames).toEqual(new Set(['MULLER SOHNE']));
    expect(customer.name).toBe('Acme Retail GmbH');
    expect(world.cash.payers.get('name#MULLER SOHNE')).toEqual(new Set(['C-1']));
    expect(next.body.lines[0]).toMatchObject({ status: 'applied', customerId: 'C-1', allocations: [{ invoiceId: 'I-2', amount: '40.00' }] });
  });

  it('keeps the rest unapplied on the worklist after a part', async () => {
    // Prepare
    const [paymentId] = await unappliedPayments('2026-03-09,100.00,EUR,,Nobody,');

    // Act
    const view = await applyPaymentByHand(world.unappliedDeps, paymentId!, { allocations: [{ invoiceId: 'I-2', amount: '40.00' }] });

    // Assess
    expect(view).toMatchObject({ status: 'partially-applied', unappliedAmount: '60.00' });
    const worklist = await listUnappliedPayments(world.unappliedDeps, {});
    expect(worklist.items.map((p) => [p.paymentId, p.unappliedAmount])).toEqual([[paymentId, '60.00']]);
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true });
  });

  it('answers 409 for a payment applied in full and 404 for an unknown one', async () => {
    // Prepare
    const [paymentId] = await unappliedPayments('2026-03-09,100.00,EUR,,Nobody,');
    await applyPaymentByHand(world.unappliedDeps, paymentId!, { allocations: [{ invoiceId: 'I-1', amount: '100.00' }] });

    // Act / Assess
    await expect(applyPaymentByHand(world.unappliedDeps, paymentId!, { allocations: [{ invoiceId: 'I-2', amount: '1.00' }] })).rejects.toThrow(ConflictError);
    await expect(applyPaymentByHand(world.unappliedDeps, 'P-nope', { allocations: [{ invoiceId: 'I-2', amount: '1.00' }] })).rejects.toThrow(NotFoundError);
  });

  it('names the field of a malformed request and changes nothing', async () => {
    // Prepare
    const [paymentId] = await unappliedPayments('2026-03-09,100.00,EUR,,Nobody,');
    const cases: [unknown, string][] = [
      [{}, 'allocations'],
      [{ allocations: [] }, 'allocations'],
      [{ allocations: [{ invoiceId: 'I-1', amount: '0.00' }] }, 'allocations[0].amount'],
      [{ allocations: [{ invoiceId: 'I-1', amount: '-5.00' }] }, 'allocations[0].amount'],
      [{ allocations: [{ invoiceId: 'I-1', amount: '1.001' }] }, 'allocations[0].amount'],
      [{ allocations: [{ invoiceId: 'I-1', amount: 5 }] }, 'allocations[0].amount'],
      [{ allocations: [{ invoiceId: 'I-1', amount: '101.00' }] }, 'allocations[0].amount'],
      [{ allocations: [{ invoiceId: 'I-1', amount: '1.00', extra: true }] }, 'allocations[0]'],
    ];
    for (const [body, field] of cases) {
      // Act
      const error = await applyPaymentByHand(world.unappliedDeps, paymentId!, body).catch((e: unknown) => e);
      // Assess
      expect(error, JSON.stringify(body)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((p) => p.field).join(' '), JSON.stringify(body)).toContain(field);
    }
    expect(world.tables.invoices.get('I-1')!.balanceMinor).toBe(10_000);
    expect((await listUnappliedPayments(world.unappliedDeps, {})).items).toHaveLength(1);
  });

  it('reads again when another writer changed the invoice in between, and applies against the new balance', async () => {
    // Prepare
    const [paymentId] = await unappliedPayments('2026-03-09,30.00,EUR,,Nobody,');
    world.postings.beforeNextPost(() => {
      const invoice = world.tables.invoices.get('I-2')!;
      world.tables.invoices.set('I-2', { ...invoice, paidMinor: 1_000, balanceMinor: 3_000, status: 'PARTIALLY_PAID' });
    });

    // Act
    const view = await applyPaymentByHand(world.unappliedDeps, paymentId!, { allocations: [{ invoiceId: 'I-2', amount: '30.00' }] });

    // Assess
    expect(world.tables.stats.concurrentUpdates).toBe(1);
    expect(view.status).toBe('applied');
    expect(world.tables.invoices.get('I-2')).toMatchObject({ balanceMinor: 0, status: 'PAID' });
  });
});
