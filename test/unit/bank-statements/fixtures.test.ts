/**
 * The hand-written fixtures of `test/fixtures/bank/` read as their README says: integration tests
 * build on these readings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeRfReference } from '../../../lambdas/core/references/rf-creditor-reference';
import { readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';
import { isIban } from '../../../lambdas/core/bank-statements/common';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/bank');
const load = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8');

describe('bank fixtures', () => {
  it('camt054-v8-customer-payments.xml: five entries, the batch split in two, two RF references on one payment', () => {
    const file = readStatementFile(load('camt054-v8-customer-payments.xml'));
    expect(file).toMatchObject({ format: 'camt.054', version: '001.08' });
    expect(file.statements).toHaveLength(1);
    const [statement] = file.statements;
    expect(statement).toMatchObject({ statementId: 'NTF-20260305-0001-DE89', account: 'DE89370400440532013000', currency: 'EUR' });
    const lines = statement!.lines.map((line) => ({
      lineId: line.lineId,
      direction: line.direction,
      amountMinor: line.amountMinor,
      structuredReferences: line.structuredReferences,
      remittanceText: line.remittanceText,
      endToEndId: line.endToEndId,
      payerName: line.payerName,
      payerAccount: line.payerAccount,
      bookingDate: line.bookingDate,
    }));
    expect(lines).toEqual([
      {
        lineId: '2026030200001-1',
        direction: 'credit',
        amountMinor: 119000,
        structuredReferences: ['RF462026000123'],
        remittanceText: '',
        endToEndId: 'ACME-PAY-0001',
        payerName: 'ACME Industries GmbH',
        payerAccount: 'DE44500105175407324931',
        bookingDate: '2026-03-02',
      },
      {
        lineId: '2026030200002#1',
        direction: 'credit',
        amountMinor: 25000,
        structuredReferences: [],
        remittanceText: 'Invoice INV-2026-000124 thank you',
        endToEndId: null,
        payerName: 'Jane Example',
        payerAccount: 'NL91ABNA0417164300',
        bookingDate: '2026-03-02',
      },
      {
        lineId: 'GLOBEX-7781',
        direction: 'credit',
        amountMinor: 50000,
        structuredReferences: [],
        remittanceText: 'INV-2026-000125',
        endToEndId: 'GLOBEX-7781',
        payerName: 'Globex SARL',
        payerAccount: 'FR1420041010050500013M02606',
        bookingDate: '2026-03-03',
      },
      {
        lineId: '2026030300007#2',
        direction: 'credit',
        amountMinor: 30000,
        structuredReferences: ['RF17INV2026000126'],
        remittanceText: 'part payment INV-2026-000126',
        endToEndId: null,
        payerName: 'Initech BV',
        payerAccount: 'NL39RABO0300065264',
        bookingDate: '2026-03-03',
      },
      {
        lineId: 'HOOLI-2026-03-04',
        direction: 'credit',
        amountMinor: 35700,
        structuredReferences: ['RF512026000130', 'RF242026000131'],
        remittanceText: '',
        endToEndId: 'HOOLI-2026-03-04',
        payerName: 'Hooli Inc.',
        payerAccount: '000123456789',
        bookingDate: '2026-03-04',
      },
      {
        lineId: '2026030500009#1',
        direction: 'debit',
        amountMinor: 1250,
        structuredReferences: [],
        remittanceText: 'Account maintenance fee March 2026',
        endToEndId: null,
        payerName: null,
        payerAccount: null,
        bookingDate: '2026-03-05',
      },
    ]);
    expect(statement!.lines[2]!.entry).toEqual({ index: 3, transaction: 1, transactions: 2, amountMinor: 80000, currency: 'EUR' });
    expect(statement!.lines[3]!.entry).toEqual({ index: 3, transaction: 2, transactions: 2, amountMinor: 80000, currency: 'EUR' });
    expect(statement!.lines[0]!.structuredReference).toBe('RF462026000123');
  });

  it('customer-payments.csv: the same payments, quoted fields read by RFC 4180', () => {
    const file = readStatementFile(load('customer-payments.csv'));
    expect(file.format).toBe('csv');
    const lines = file.statements[0]!.lines;
    expect(lines.map((line) => [line.lineId, line.direction, line.amountMinor, line.structuredReference, line.remittanceText, line.payerName, line.payerAccount])).toEqual([
      ['line-1', 'credit', 119000, 'RF46 2026 0001 23', 'RF46 2026 0001 23', 'ACME Industries GmbH', 'DE44500105175407324931'],
      ['line-2', 'credit', 25000, null, 'Invoice INV-2026-000124, thank you', 'Jane Example', 'NL91ABNA0417164300'],
      ['line-3', 'credit', 50000, null, 'INV-2026-000125', 'Globex, SARL', 'FR1420041010050500013M02606'],
      ['line-4', 'credit', 30000, 'RF17INV2026000126', 'RF17INV2026000126', 'Initech BV', 'NL39RABO0300065264'],
      ['line-5', 'credit', 35700, null, 'Ref "INV-2026-000130" and INV-2026-000131', 'Hooli Inc.', null],
      ['line-6', 'debit', 1250, null, 'Account maintenance fee March 2026', null, null],
    ]);
  });

  it('every RF reference and IBAN in the fixtures has correct check digits', () => {
    const text = load('camt054-v8-customer-payments.xml') + load('customer-payments.csv');
    const references = text.match(/RF\d{2}(?: ?[0-9A-Z])+/g) ?? [];
    expect(references.length).toBeGreaterThan(4);
    for (const reference of references) expect(normalizeRfReference(reference), reference).not.toBeNull();
    const ibans = text.match(/\b(?:DE|NL|FR)\d{2}[0-9A-Z]{12,30}\b/g) ?? [];
    expect(ibans.length).toBeGreaterThan(4);
    for (const iban of ibans) expect(isIban(iban), iban).toBe(true);
  });
});
