import { describe, expect, it } from 'vitest';
import {
  CashApplicationFileError,
  checkHeader,
  CUSTOMER_COLUMNS,
  knownCustomerFromRow,
  OPEN_ITEM_COLUMNS,
  openItemFromRow,
  OPTIONAL_CUSTOMER_COLUMNS,
  toOutputRecord,
} from '../../../lambdas/core/cash-application';
import type { LineMatch } from '../../../lambdas/core/cash-application/types';

const ROW = {
  invoice_number: 'INV-2026-000123',
  customer_id: 'C-1',
  customer_name: 'Acme',
  currency: 'EUR',
  balance: '1234.5',
  issue_date: '2026-01-31',
  due_date: '2026-03-02',
  rf_reference: 'rf18 5390 0754 7034',
};

describe('cash application files', () => {
  it('reads an open items row into minor units, with the RF reference normalized', () => {
    expect(openItemFromRow('open.csv', 2, ROW)).toEqual({
      invoiceId: 'INV-2026-000123',
      invoiceNumber: 'INV-2026-000123',
      customerId: 'C-1',
      customerName: 'Acme',
      currency: 'EUR',
      balanceMinor: 123_450,
      issueDate: '2026-01-31',
      dueDate: '2026-03-02',
      rfReference: 'RF18539007547034',
    });
    expect(openItemFromRow('open.csv', 2, { ...ROW, currency: 'JPY', balance: '1500', rf_reference: '' })).toMatchObject({ balanceMinor: 1500, rfReference: null });
  });

  it('names file, line and field of a bad row', () => {
    const cases: [Partial<typeof ROW>, RegExp][] = [
      [{ balance: '12,50' }, /^open\.csv line 7, field balance: "12,50" is not a decimal amount/],
      [{ balance: '1.005' }, /field balance: .*more than the 2 decimals/],
      [{ currency: 'EURO' }, /field currency: "EURO" is not an ISO 4217 currency code/],
      [{ due_date: '2026-02-30' }, /field due_date: "2026-02-30" is not a date YYYY-MM-DD/],
      [{ issue_date: '31.01.2026' }, /field issue_date/],
      [{ rf_reference: 'RF19539007547034' }, /field rf_reference: "RF19539007547034" is not a valid RF creditor reference/],
      [{ invoice_number: '' }, /field invoice_number: is empty/],
      [{ customer_id: ' ' }, /field customer_id: is empty/],
    ];
    for (const [change, message] of cases) {
      let error: unknown;
      try {
        openItemFromRow('open.csv', 7, { ...ROW, ...change });
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(change)).toBeInstanceOf(CashApplicationFileError);
      expect((error as Error).message).toMatch(message);
      expect((error as CashApplicationFileError).line).toBe(7);
    }
  });

  it('checks headers: any order, nothing missing, unknown or repeated', () => {
    expect(() => checkHeader('open.csv', [...OPEN_ITEM_COLUMNS].reverse(), OPEN_ITEM_COLUMNS)).not.toThrow();
    expect(() => checkHeader('open.csv', OPEN_ITEM_COLUMNS.slice(1), OPEN_ITEM_COLUMNS)).toThrow(/column "invoice_number" is missing/);
    expect(() => checkHeader('open.csv', [...OPEN_ITEM_COLUMNS, 'extra'], OPEN_ITEM_COLUMNS)).toThrow(/unknown column "extra"/);
    expect(() => checkHeader('c.csv', [...CUSTOMER_COLUMNS, 'name'], CUSTOMER_COLUMNS)).toThrow(/appears twice/);
    expect(() => checkHeader('c.csv', [...CUSTOMER_COLUMNS, ...OPTIONAL_CUSTOMER_COLUMNS], CUSTOMER_COLUMNS, OPTIONAL_CUSTOMER_COLUMNS)).not.toThrow();
  });

  it('reads customers with accounts and payer names separated by semicolons', () => {
    expect(knownCustomerFromRow('c.csv', 2, { customer_id: 'C-1', name: 'Acme', known_accounts: 'DE89370400440532013000; FI2112345600000785;', known_payer_names: 'ACME;' })).toEqual({
      customerId: 'C-1',
      name: 'Acme',
      knownAccounts: ['DE89370400440532013000', 'FI2112345600000785'],
      knownPayerNames: ['ACME'],
    });
    expect(() => knownCustomerFromRow('c.csv', 3, { customer_id: '', name: 'x', known_accounts: '' })).toThrow(/c\.csv line 3, field customer_id/);
  });

  it('writes amounts as decimal strings beside the currency', () => {
    const match: LineMatch = {
      lineId: 'line-1',
      amountMinor: 10_550,
      currency: 'EUR',
      status: 'applied',
      customerId: 'C-1',
      allocations: [{ invoiceId: 'INV-1', invoiceNumber: 'INV-1', amountMinor: 10_000 }],
      unappliedMinor: 0,
      onAccountMinor: 550,
      confidence: 0.89,
      reasons: ['overpaid'],
    };
    expect(toOutputRecord(match)).toEqual({
      line_id: 'line-1',
      amount: '105.50',
      currency: 'EUR',
      status: 'applied',
      customer_id: 'C-1',
      allocations: [{ invoice_number: 'INV-1', amount: '100.00' }],
      unapplied_amount: '0.00',
      on_account_amount: '5.50',
      confidence: 0.89,
      reasons: ['overpaid'],
    });
  });
});

describe('balance reading', () => {
  it('reads balances exactly as parseAmount does', async () => {
    const { parseAmount } = await import('../../../lambdas/core/money/money');
    const cases: [string, string][] = [
      ['0', 'EUR'], ['0.5', 'EUR'], ['12.30', 'EUR'], ['12.300', 'EUR'], ['1500', 'JPY'], ['1500.00', 'JPY'], ['1.234', 'KWD'],
      ['999999999999.99', 'EUR'], ['007.10', 'EUR'],
    ];
    for (const [balance, currency] of cases) {
      const item = openItemFromRow('f.csv', 2, { ...ROW, balance, currency, rf_reference: '' });
      expect(item.balanceMinor, `${balance} ${currency}`).toBe(parseAmount(balance, currency).minor);
    }
    expect(openItemFromRow('f.csv', 2, { ...ROW, balance: '-5.00' }).balanceMinor).toBe(-500);
    expect(() => openItemFromRow('f.csv', 2, { ...ROW, balance: '1.5', currency: 'JPY' })).toThrow(/more than the 0 decimals JPY allows/);
    expect(() => openItemFromRow('f.csv', 2, { ...ROW, balance: '99999999999999999' })).toThrow(/too large/);
  });
});
