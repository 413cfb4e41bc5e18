import { describe, expect, it } from 'vitest';
import type { StatementLine } from '../../../lambdas/core/bank-statements/statement';
import { invoiceNumberCandidates, MAX_NUMBERS_PER_LINE, statementLookups } from '../../../lambdas/core/cash-application/lookups';
import { rfReferenceFor } from '../../../lambdas/core/invoices/invoice';

function aLine(overrides: Partial<StatementLine> = {}): StatementLine {
  return {
    lineId: 'TX-1',
    sequence: 1,
    direction: 'credit',
    amountMinor: 10_000,
    currency: 'EUR',
    bookingDate: '2026-03-10',
    valueDate: '2026-03-10',
    structuredReference: null,
    structuredReferences: [],
    endToEndId: null,
    accountServicerReference: null,
    customerReference: null,
    remittanceText: '',
    payerName: null,
    payerAccount: null,
    bankTransactionCode: null,
    ...overrides,
  };
}

describe('invoiceNumberCandidates', () => {
  it.each([
    ['INV-2026-000123', 'INV-2026-000123'],
    ['inv2026123', 'INV-2026-000123'],
    ['Invoice INV 2026 123 thanks', 'INV-2026-000123'],
    ['inv.2026-00123', 'INV-2026-000123'],
    ['INV20260123', 'INV-2026-000123'],
    ['paying 2026-123', 'INV-2026-000123'],
    ['2026000123', 'INV-2026-000123'],
    ['RE-2025-77', 'RE-2025-000077'],
  ])('reads %s as %s', (text, number) => {
    expect(invoiceNumberCandidates(text, 'INV')).toContain(number);
  });

  it('keeps words with a digit as written, for invoices numbered elsewhere', () => {
    expect(invoiceNumberCandidates('Rechnung R4711/A, danke', 'INV')).toContain('R4711/A');
  });

  it('reads no series number from amounts or long ids (a date may cost one empty lookup; the matcher decides)', () => {
    const found = invoiceNumberCandidates('amount 1190.00 e2e 20260302000001 ref 77', 'INV');
    expect(found.filter((n) => n.startsWith('INV-'))).toEqual([]);
  });
});

describe('statementLookups', () => {
  it('collects the RF references, invoice numbers, payer accounts and names of the credit lines, each once', () => {
    // Prepare
    const rf = rfReferenceFor('INV-2026-000123');
    const lines = [
      aLine({ structuredReference: rf, structuredReferences: [rf], payerAccount: 'de44 5001 0517 5407 3249 31', payerName: 'ACME Industries GmbH' }),
      aLine({ sequence: 2, remittanceText: `Invoice inv 2026 124 and ${rf.match(/.{1,4}/g)!.join(' ')}`, payerName: 'Acme Industries' }),
      aLine({ sequence: 3, direction: 'debit', remittanceText: 'INV-2026-000999', payerAccount: 'FR1420041010050500013M02606' }),
    ];

    // Act
    const lookups = statementLookups(lines, 'INV');

    // Assess
    expect(lookups.rfReferences).toEqual([rf]);
    expect(lookups.invoiceNumbers).toContain('INV-2026-000124');
    expect(lookups.invoiceNumbers).not.toContain('INV-2026-000999');
    expect(lookups.payerAccounts).toEqual(['DE44500105175407324931']);
    expect(lookups.payerNames).toEqual(['ACME INDUSTRIES']);
  });

  it('looks up at most a dozen numbers per line, however long its text', () => {
    const text = Array.from({ length: 40 }, (_, i) => `INV-2026-${String(i + 1).padStart(6, '0')}`).join(' ');
    expect(statementLookups([aLine({ remittanceText: text })], 'INV').invoiceNumbers).toHaveLength(MAX_NUMBERS_PER_LINE);
  });

  it('ignores NOTPROVIDED end-to-end ids', () => {
    expect(statementLookups([aLine({ endToEndId: 'NOTPROVIDED' })], 'INV').invoiceNumbers).toEqual([]);
  });
});
