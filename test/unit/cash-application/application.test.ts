import { describe, expect, it } from 'vitest';
import type { StatementLine } from '../../../lambdas/core/bank-statements/statement';
import {
  applyStatementLine,
  applyUnappliedPayment,
  knownCustomersFrom,
  openItemOf,
  legacyStatementLineKey,
  statementIdFor,
  statementLineKey,
  type CashPayment,
} from '../../../lambdas/core/cash-application/application';
import { postingItemCount, settledBy } from '../../../lambdas/core/posting/posting';
import { CashApplication } from '../../../lambdas/core/cash-application/matcher';
import { readAdviceCsv } from '../../../lambdas/core/cash-application/remittance-advice';
import type { LineMatch } from '../../../lambdas/core/cash-application/types';
import { ConflictError, ValidationError } from '../../../lambdas/core/errors';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import type { Journal } from '../../../lambdas/core/ledger/ledger';
import { ConcurrentUpdateError } from '../../../lambdas/core/ports';
import { anInvoice } from '../../support/builders';

const now = new Date('2026-03-10T12:00:00Z');

function aLine(overrides: Partial<StatementLine> = {}): StatementLine {
  return {
    lineId: 'TX-1',
    sequence: 1,
    direction: 'credit',
    amountMinor: 10_000,
    currency: 'EUR',
    bookingDate: '2026-03-10',
    valueDate: '2026-03-09',
    structuredReference: null,
    structuredReferences: [],
    endToEndId: null,
    accountServicerReference: 'TX-1',
    customerReference: null,
    remittanceText: '',
    payerName: 'Acme Retail GmbH',
    payerAccount: 'DE44 5001 0517 5407 3249 31',
    bankTransactionCode: null,
    ...overrides,
  };
}

/** The matcher's reading of `line` over `invoices` (the real matcher, default policy). */
function matchOf(line: StatementLine, invoices: readonly Invoice[]): LineMatch {
  return CashApplication.fromData({ openItems: invoices.map(openItemOf) }).match(line)!;
}

function apply(line: StatementLine, invoices: readonly Invoice[], match = matchOf(line, invoices)) {
  return applyStatementLine({
    statementId: 'st-1',
    paymentId: 'P-1',
    line,
    account: 'DE89370400440532013000',
    lineKey: statementLineKey(line, 'DE89370400440532013000', 1),
    match,
    invoices: new Map(invoices.map((i) => [i.invoiceId, i])),
    now,
  });
}

function totals(journal: Journal) {
  const sum = (side: 'debit' | 'credit') => journal.lines.filter((l) => l.side === side).reduce((s, l) => s + l.amount.minor, 0);
  return { debits: sum('debit'), credits: sum('credit') };
}

function byAccount(journal: Journal) {
  return journal.lines.map((l) => [l.account, l.side, l.amount.minor, l.reference, ...(l.reasonCode ? [l.reasonCode] : [])]);
}

describe('legacyStatementLineKey (the key before content identity, still looked up)', () => {
  it('is the same for the same line read twice, and differs by account, amount, dates and direction', () => {
    // Prepare
    const line = aLine();
    const key = legacyStatementLineKey(line, 'DE89 3704 0044 0532 0130 00');

    // Assess
    expect(legacyStatementLineKey(aLine(), 'DE89370400440532013000')).toBe(key);
    expect(legacyStatementLineKey(line, 'DE02120300000000202051')).not.toBe(key);
    expect(legacyStatementLineKey(aLine({ amountMinor: 10_001 }), 'DE89370400440532013000')).not.toBe(key);
    expect(legacyStatementLineKey(aLine({ valueDate: '2026-03-10' }), 'DE89370400440532013000')).not.toBe(key);
    expect(legacyStatementLineKey(aLine({ bookingDate: '2026-03-11' }), 'DE89370400440532013000')).not.toBe(key);
    expect(legacyStatementLineKey(aLine({ direction: 'debit' }), 'DE89370400440532013000')).not.toBe(key);
    expect(legacyStatementLineKey(aLine({ lineId: 'TX-2' }), 'DE89370400440532013000')).not.toBe(key);
  });

  it('tells apart two files whose lines are only numbered by position (line-1), by payer and text', () => {
    // Prepare
    const first = aLine({ lineId: 'line-1', remittanceText: 'INV-2026-000001', payerName: 'Acme' });
    const second = aLine({ lineId: 'line-1', remittanceText: 'INV-2026-000002', payerName: 'Globex' });

    // Assess
    expect(legacyStatementLineKey(first, null)).not.toBe(legacyStatementLineKey(second, null));
    expect(legacyStatementLineKey(first, null)).toBe(legacyStatementLineKey({ ...first }, null));
    // A bank reference is identity enough: the text does not enter the key.
    expect(legacyStatementLineKey(aLine({ remittanceText: 'a' }), null)).toBe(legacyStatementLineKey(aLine({ remittanceText: 'b' }), null));
  });
});

describe('statementIdFor', () => {
  it('is the same for the same content and differs for any other byte', () => {
    expect(statementIdFor('date,amount\n')).toBe(statementIdFor('date,amount\n'));
    expect(statementIdFor('date,amount\n')).not.toBe(statementIdFor('date,amount \n'));
    expect(statementIdFor('x')).toMatch(/^st-[0-9a-f]{32}$/);
  });
});

describe('applyStatementLine', () => {
  it('applies an exact payment quoting the RF reference: invoice PAID, cash against receivables, the invoice settles', () => {
    // Prepare
    const invoice = anInvoice({ totalMinor: 10_000 });
    const line = aLine({ structuredReference: invoice.rfReference, structuredReferences: [invoice.rfReference] });

    // Act
    const application = apply(line, [invoice]);

    // Assess
    expect(application.result).toMatchObject({ status: 'applied', customerId: 'C-1', paymentId: 'P-1', statementId: 'st-1', unappliedMinor: 0 });
    expect(application.payment).toMatchObject({
      source: 'statement',
      status: 'applied',
      amountMinor: 10_000,
      allocations: [{ invoiceId: 'I-1', invoiceNumber: invoice.number, amountMinor: 10_000 }],
      valueDate: '2026-03-09',
      payerAccount: 'DE44 5001 0517 5407 3249 31',
      statement: { statementId: 'st-1', sequence: 1, lineId: 'TX-1' },
      suggestion: null,
    });
    expect(application.posting.invoices).toHaveLength(1);
    expect(application.posting.invoices[0]!.after).toMatchObject({ paidMinor: 10_000, balanceMinor: 0, status: 'PAID', allocations: [{ paymentId: 'P-1', amountMinor: 10_000 }] });
    expect(application.posting.invoices[0]!.after.history.at(-1)).toMatchObject({ status: 'PAID', at: now.toISOString() });
    expect(application.posting.journals[0]!).toMatchObject({ journalId: 'statement-line-P-1', event: 'StatementLineApplied' });
    expect(byAccount(application.posting.journals[0]!)).toEqual([
      ['cash', 'debit', 10_000, 'P-1'],
      ['receivables', 'credit', 10_000, 'I-1'],
    ]);
    expect(settledBy(application.posting).map((i) => i.invoiceId)).toEqual(['I-1']);
    expect((application.posting.customerCredit ?? null)).toBeNull();
  });

  it('follows a remittance advice: pays each listed invoice, writes off an agreed deduction and keeps a disputed one open', () => {
    // Prepare
    const first = anInvoice({ invoiceId: 'I-1', sequence: 1, totalMinor: 10_000 });
    const second = anInvoice({ invoiceId: 'I-2', sequence: 2, totalMinor: 20_000 });
    const line = aLine({ amountMinor: 27_800, bookingDate: '2026-03-10', remittanceText: 'PAY-1' });
    const run = CashApplication.fromData({ openItems: [first, second].map(openItemOf) });
    run.addAdvice(
      'advice-1',
      readAdviceCsv(
        `payer_name,payment_reference,payment_amount,currency,payment_date,invoice_number,paid_amount,deduction_amount,reason_code\n` +
          `Acme Retail GmbH,PAY-1,278.00,EUR,2026-03-09,${first.number},98.00,2.00,57\n` +
          `Acme Retail GmbH,PAY-1,278.00,EUR,2026-03-09,${second.number},180.00,20.00,04\n`,
      ),
    );

    // Act
    const application = apply(line, [first, second], run.match(line)!);

    // Assess
    expect(application.result).toMatchObject({ status: 'applied', unappliedMinor: 0 });
    expect(application.posting.invoices.map((c) => [c.after.invoiceId, c.after.balanceMinor, c.after.status])).toEqual([
      ['I-1', 0, 'PAID'],
      ['I-2', 2_000, 'PARTIALLY_PAID'],
    ]);
    const journal = application.posting.journals[0]!;
    expect(byAccount(journal)).toEqual([
      ['cash', 'debit', 27_800, 'P-1'],
      ['receivables', 'credit', 9_800, 'I-1'],
      ['receivables', 'credit', 18_000, 'I-2'],
      ['write-off', 'debit', 200, 'I-1', 'X12-57'],
      ['receivables', 'credit', 200, 'I-1', 'X12-57'],
    ]);
    expect(totals(journal).debits).toBe(totals(journal).credits);
  });

  it('writes off a short payment within tolerance: write-off debit and receivables credit with the reason code, invoice PAID', () => {
    // Prepare
    const invoice = anInvoice({ totalMinor: 10_000 });
    const line = aLine({ amountMinor: 9_850, remittanceText: `Invoice ${invoice.number}` });

    // Act
    const application = apply(line, [invoice]);

    // Assess
    expect(application.result).toMatchObject({ status: 'applied', shortPayWriteOff: { invoiceId: 'I-1', amountMinor: 150, reasonCode: 'SHORT_PAY_WITHIN_TOLERANCE' } });
    expect(application.posting.invoices[0]!.after).toMatchObject({ paidMinor: 9_850, balanceMinor: 0, status: 'PAID' });
    expect(application.posting.invoices[0]!.after.history.at(-1)!.note).toContain('written off (SHORT_PAY_WITHIN_TOLERANCE)');
    expect(byAccount(application.posting.journals[0]!)).toEqual([
      ['cash', 'debit', 9_850, 'P-1'],
      ['receivables', 'credit', 9_850, 'I-1'],
      ['write-off', 'debit', 150, 'I-1', 'SHORT_PAY_WITHIN_TOLERANCE'],
      ['receivables', 'credit', 150, 'I-1', 'SHORT_PAY_WITHIN_TOLERANCE'],
    ]);
    expect(totals(application.posting.journals[0]!).debits).toBe(totals(application.posting.journals[0]!).credits);
  });

  it('keeps an overpayment as on-account credit of the customer', () => {
    // Prepare
    const invoice = anInvoice({ totalMinor: 10_000 });
    const line = aLine({ amountMinor: 12_500, structuredReference: invoice.rfReference });

    // Act
    const application = apply(line, [invoice]);

    // Assess
    expect(application.payment).toMatchObject({ status: 'partially-applied', onAccountMinor: 2_500, unappliedMinor: 0 });
    expect((application.posting.customerCredit ?? null)).toEqual({ customerId: 'C-1', amountMinor: 2_500 });
    expect(byAccount(application.posting.journals[0]!)).toEqual([
      ['cash', 'debit', 12_500, 'P-1'],
      ['receivables', 'credit', 10_000, 'I-1'],
      ['customer-credit', 'credit', 2_500, 'P-1'],
    ]);
  });

  it('applies a partial payment: invoice PARTIALLY_PAID, not settled', () => {
    // Prepare
    const invoice = anInvoice({ totalMinor: 10_000 });
    const line = aLine({ amountMinor: 4_000, remittanceText: invoice.number });

    // Act
    const application = apply(line, [invoice]);

    // Assess
    expect(application.result.status).toBe('applied');
    expect(application.posting.invoices[0]!.after).toMatchObject({ paidMinor: 4_000, balanceMinor: 6_000, status: 'PARTIALLY_PAID' });
    expect(settledBy(application.posting).map((i) => i.invoiceId)).toEqual([]);
  });

  it('records a suggestion as an unapplied payment: cash against unapplied cash, no invoice touched, the suggestion kept', () => {
    // Prepare: two open items of the same amount, no reference, unknown payer
    const invoices = [anInvoice({ invoiceId: 'I-1', sequence: 1 }), anInvoice({ invoiceId: 'I-2', sequence: 2, customerId: 'C-2' })];
    const line = aLine({ payerName: 'Somebody', payerAccount: null });

    // Act
    const application = apply(line, invoices);

    // Assess
    expect(application.result.status).toBe('suggested');
    expect(application.payment).toMatchObject({ status: 'unapplied', unappliedMinor: 10_000, customerId: null, allocations: [], unappliedReason: 'no-reference' });
    expect(application.payment.suggestion).toMatchObject({ status: 'suggested', candidates: [{ invoiceId: 'I-1' }, { invoiceId: 'I-2' }], confidence: 0.3 });
    expect(application.payment.suggestion!.reasons.length).toBeGreaterThan(0);
    expect(application.posting.invoices).toEqual([]);
    expect(application.posting.journals[0]!.event).toBe('PaymentReceived');
    expect(byAccount(application.posting.journals[0]!)).toEqual([
      ['cash', 'debit', 10_000, 'P-1'],
      ['unapplied-cash', 'credit', 10_000, 'P-1'],
    ]);
  });

  it('says the reference was unknown when the payer quoted something that fits nothing', () => {
    // Act
    const application = apply(aLine({ remittanceText: 'order 4711', payerAccount: null }), []);

    // Assess
    expect(application.payment).toMatchObject({ status: 'unapplied', unappliedReason: 'unknown-reference', reference: 'order 4711' });
    expect(application.result.status).toBe('unapplied');
  });

  it('refuses to write a match made on a balance that changed since (the caller reads again)', () => {
    // Prepare
    const invoice = anInvoice({ totalMinor: 10_000 });
    const line = aLine({ structuredReference: invoice.rfReference });
    const match = matchOf(line, [invoice]);
    const paidMeanwhile = { ...invoice, balanceMinor: 5_000, paidMinor: 5_000, status: 'PARTIALLY_PAID' as const };

    // Act / Assess
    expect(() => apply(line, [paidMeanwhile], match)).toThrow(ConcurrentUpdateError);
    expect(() => apply(line, [], match)).toThrow(ConcurrentUpdateError);
  });

  it('remembers a payer account the matcher learned from this line, normalized', () => {
    // Prepare
    const invoice = anInvoice();
    const line = aLine({ structuredReference: invoice.rfReference });

    // Act
    const application = applyStatementLine({
      statementId: 'st-1',
      paymentId: 'P-1',
      line,
      account: null,
      lineKey: 'k',
      match: matchOf(line, [invoice]),
      invoices: new Map([[invoice.invoiceId, invoice]]),
      now,
      learnedAccount: 'de44 5001 0517 5407 3249 31',
    });

    // Assess
    expect((application.posting.payer ?? null)).toEqual({ customerId: 'C-1', account: 'DE44500105175407324931', name: null });
    // Journal lines, payment, invoice, customer, line identity and outcome, two events (PaymentReceived, PaymentApplied), and the check of the closed periods.
    expect(postingItemCount(application.posting)).toBe(3 + 1 + 1 + 1 + 2 + 2 + 1);
  });

  it('settles both invoices of a combined payment quoting both numbers', () => {
    // Prepare
    const a = anInvoice({ invoiceId: 'I-1', sequence: 1, totalMinor: 10_000 });
    const b = anInvoice({ invoiceId: 'I-2', sequence: 2, totalMinor: 5_000 });
    const line = aLine({ amountMinor: 15_000, remittanceText: `${a.number} and ${b.number}` });

    // Act
    const application = apply(line, [a, b]);

    // Assess
    expect(settledBy(application.posting).map((i) => i.invoiceId)).toEqual(['I-1', 'I-2']);
    expect(byAccount(application.posting.journals[0]!)).toEqual([
      ['cash', 'debit', 15_000, 'P-1'],
      ['receivables', 'credit', 10_000, 'I-1'],
      ['receivables', 'credit', 5_000, 'I-2'],
    ]);
  });
});

describe('knownCustomersFrom', () => {
  it('turns account and name lookups into the known customers the matcher takes', () => {
    const customers = knownCustomersFrom({ accounts: new Map([['DE44', ['C-1', 'C-2']]]), names: new Map([['ACME', ['C-1']]]) });
    expect(customers).toEqual([
      { customerId: 'C-1', name: '', knownAccounts: ['DE44'], knownPayerNames: ['ACME'] },
      { customerId: 'C-2', name: '', knownAccounts: ['DE44'], knownPayerNames: [] },
    ]);
  });
});

describe('applyUnappliedPayment', () => {
  function unappliedPayment(overrides: Partial<CashPayment> = {}): CashPayment {
    return {
      paymentId: 'P-9',
      source: 'statement',
      amountMinor: 10_000,
      currency: 'EUR',
      reference: null,
      payerName: 'Müller & Söhne GmbH',
      payerAccount: 'NL91 ABNA 0417 1643 00',
      valueDate: '2026-03-09',
      receivedAt: '2026-03-10T08:00:00.000Z',
      customerId: null,
      allocations: [],
      onAccountMinor: 0,
      unappliedMinor: 10_000,
      unappliedReason: 'no-reference',
      status: 'unapplied',
      suggestion: null,
      ...overrides,
    };
  }
  const invoices = (...list: Invoice[]) => new Map(list.map((i) => [i.invoiceId, i]));

  it('moves the amount from unapplied cash to the invoice and remembers the payer for the customer', () => {
    // Prepare
    const invoice = anInvoice({ totalMinor: 10_000 });

    // Act
    const application = applyUnappliedPayment(unappliedPayment(), [{ invoiceId: 'I-1', amountMinor: 10_000 }], invoices(invoice), now);

    // Assess
    expect(application.payment).toMatchObject({ status: 'applied', unappliedMinor: 0, unappliedReason: null, customerId: 'C-1', allocations: [{ invoiceId: 'I-1', amountMinor: 10_000 }] });
    expect(application.posting.invoices[0]!.after).toMatchObject({ balanceMinor: 0, status: 'PAID' });
    expect(application.posting.journals[0]!).toMatchObject({ journalId: 'payment-P-9-by-hand-1', event: 'UnappliedPaymentApplied' });
    expect(byAccount(application.posting.journals[0]!)).toEqual([
      ['unapplied-cash', 'debit', 10_000, 'P-9'],
      ['receivables', 'credit', 10_000, 'I-1'],
    ]);
    expect((application.posting.payer ?? null)).toEqual({ customerId: 'C-1', account: 'NL91ABNA0417164300', name: 'MULLER SOHNE' });
    expect(settledBy(application.posting).map((i) => i.invoiceId)).toEqual(['I-1']);
  });

  it('leaves the rest unapplied after a part, and a second application has its own journal', () => {
    // Prepare
    const invoice = anInvoice({ totalMinor: 6_000 });

    // Act
    const first = applyUnappliedPayment(unappliedPayment(), [{ invoiceId: 'I-1', amountMinor: 4_000 }], invoices(invoice), now);
    const second = applyUnappliedPayment(first.payment, [{ invoiceId: 'I-1', amountMinor: 2_000 }], invoices(first.posting.invoices[0]!.after), now);

    // Assess
    expect(first.payment).toMatchObject({ status: 'partially-applied', unappliedMinor: 6_000, unappliedReason: 'no-reference' });
    expect(first.posting.invoices[0]!.after).toMatchObject({ balanceMinor: 2_000, status: 'PARTIALLY_PAID' });
    expect(second.payment).toMatchObject({ unappliedMinor: 4_000, allocations: [{ amountMinor: 4_000 }, { amountMinor: 2_000 }] });
    expect(second.posting.journals[0]!.journalId).not.toBe(first.posting.journals[0]!.journalId);
    expect(settledBy(second.posting).map((i) => i.invoiceId)).toEqual(['I-1']);
  });

  it('answers 409 when nothing is left to apply', () => {
    expect(() => applyUnappliedPayment(unappliedPayment({ unappliedMinor: 0, status: 'applied' }), [{ invoiceId: 'I-1', amountMinor: 1 }], invoices(anInvoice()), now)).toThrow(ConflictError);
  });

  it('names every field that is wrong', () => {
    // Prepare
    const usd = anInvoice({ invoiceId: 'I-2', sequence: 2, currency: 'USD' });
    const paid = anInvoice({ invoiceId: 'I-3', sequence: 3, balanceMinor: 0, paidMinor: 10_000, status: 'PAID' });
    const small = anInvoice({ invoiceId: 'I-4', sequence: 4, totalMinor: 1_000 });
    const cases: [Parameters<typeof applyUnappliedPayment>[1], string, RegExp][] = [
      [[{ invoiceId: 'I-404', amountMinor: 100 }], 'allocations[0].invoiceId', /does not exist/],
      [[{ invoiceId: 'I-2', amountMinor: 100 }], 'allocations[0].invoiceId', /in USD, the payment in EUR/],
      [[{ invoiceId: 'I-3', amountMinor: 100 }], 'allocations[0].invoiceId', /no open balance/],
      [[{ invoiceId: 'I-4', amountMinor: 1_001 }], 'allocations[0].amount', /more than the open balance 10.00/],
      [[{ invoiceId: 'I-4', amountMinor: 100 }, { invoiceId: 'I-4', amountMinor: 100 }], 'allocations[1].invoiceId', /second time/],
      [[{ invoiceId: 'I-1', amountMinor: 9_500 }, { invoiceId: 'I-4', amountMinor: 1_000 }], 'allocations', /add up to 105.00, more than the unapplied 100.00/],
      [[{ invoiceId: 'I-1', amountMinor: 100 }, { invoiceId: 'I-5', amountMinor: 100 }], 'allocations', /one customer/],
    ];
    const all = invoices(anInvoice({ totalMinor: 10_000 }), usd, paid, small, anInvoice({ invoiceId: 'I-5', sequence: 5, customerId: 'C-2' }));
    for (const [allocations, field, problem] of cases) {
      // Act
      let error: unknown;
      try {
        applyUnappliedPayment(unappliedPayment(), allocations, all, now);
      } catch (e) {
        error = e;
      }
      // Assess
      expect(error, field).toBeInstanceOf(ValidationError);
      const found = (error as ValidationError).problems.find((p) => p.field === field);
      expect(found?.problem, JSON.stringify((error as ValidationError).problems)).toMatch(problem);
    }
  });

  it('keeps a payment applied to one customer to that customer', () => {
    // Prepare
    const applied = unappliedPayment({ customerId: 'C-1', allocations: [{ invoiceId: 'I-1', invoiceNumber: 'INV-2026-000001', amountMinor: 1_000 }], unappliedMinor: 9_000 });
    const other = anInvoice({ invoiceId: 'I-7', sequence: 7, customerId: 'C-2' });

    // Act / Assess
    expect(() => applyUnappliedPayment(applied, [{ invoiceId: 'I-7', amountMinor: 100 }], invoices(other), now)).toThrow(/applied to customer C-1 already/);
  });
});
