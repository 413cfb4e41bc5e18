import PDFDocument from 'pdfkit';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAdvicePdf } from '../../../lambdas/adapters/pdf/remittance-advice-pdf';
import { CashApplication } from '../../../lambdas/core/cash-application';
import { adviceFitsLine, readAdviceCsv, RemittanceAdviceError } from '../../../lambdas/core/cash-application/remittance-advice';
import { runTsx } from '../../support/run-command';
import { creditLine, openItem } from './fixtures';

const HEADER = 'payer_name,payer_account,payment_reference,payment_amount,currency,payment_date,invoice_number,paid_amount,deduction_amount,reason_code,note';
const ADVICE = `${HEADER}
Müller GmbH,DE89 3704 0044 0532 0130 00,PAY-7781,1175.00,EUR,2026-03-01,INV-1,500.00,,,
Müller GmbH,DE89 3704 0044 0532 0130 00,PAY-7781,1175.00,EUR,2026-03-01,INV-2,380.00,20.00,01,price agreed was 380
Müller GmbH,DE89 3704 0044 0532 0130 00,PAY-7781,1175.00,EUR,2026-03-01,INV-3,295.00,5.00,57,volume discount
`;

const items = [
  openItem('INV-1', 50_000, { customerId: 'C-1', customerName: 'Müller GmbH' }),
  openItem('INV-2', 40_000, { customerId: 'C-1', customerName: 'Müller GmbH' }),
  openItem('INV-3', 30_000, { customerId: 'C-1', customerName: 'Müller GmbH' }),
  openItem('INV-4', 117_500, { customerId: 'C-2', customerName: 'Beta Oy' }),
];
const transfer = (fields: Partial<Parameters<typeof creditLine>[0]> = {}) =>
  creditLine({ amountMinor: 117_500, bookingDate: '2026-03-03', valueDate: '2026-03-03', payerName: 'MUELLER GMBH', remittanceText: 'Zahlung PAY-7781', ...fields });

function errorOf(text: string): RemittanceAdviceError {
  try {
    readAdviceCsv(text);
  } catch (error) {
    if (error instanceof RemittanceAdviceError) return error;
    throw error;
  }
  throw new Error('the advice was accepted');
}

describe('remittance advice CSV', () => {
  it('reads the transfer and its invoices with deductions in minor units', () => {
    const advice = readAdviceCsv(ADVICE);
    expect(advice).toMatchObject({ payerName: 'Müller GmbH', paymentReference: 'PAY-7781', paymentAmountMinor: 117_500, currency: 'EUR', paymentDate: '2026-03-01' });
    expect(advice.lines).toEqual([
      { invoiceNumber: 'INV-1', paidMinor: 50_000, deductionMinor: 0, reasonCode: null, note: null },
      { invoiceNumber: 'INV-2', paidMinor: 38_000, deductionMinor: 2_000, reasonCode: '01', note: 'price agreed was 380' },
      { invoiceNumber: 'INV-3', paidMinor: 29_500, deductionMinor: 500, reasonCode: '57', note: 'volume discount' },
    ]);
  });

  it('reads a semicolon-separated advice with only the required columns', () => {
    const advice = readAdviceCsv('payer_name;payment_amount;currency;payment_date;invoice_number;paid_amount\nBeta Oy;1175.00;EUR;2026-03-01;INV-4;1175.00\n');
    expect(advice.lines).toHaveLength(1);
    expect(advice.payerAccount).toBeNull();
  });

  it.each([
    ['a missing column', ADVICE.replace('payment_date,', '').replace(/2026-03-01,/g, ''), 'payment_date', /no column "payment_date"/],
    ['an unknown column', ADVICE.replace('note', 'memo'), 'memo', /unknown column "memo"/],
    ['a bad amount', ADVICE.replace('INV-1,500.00', 'INV-1,5OO.00'), 'paid_amount', /row 2: paid_amount "5OO.00" is not a decimal/],
    ['a deduction without a reason code', ADVICE.replace('20.00,01', '20.00,'), 'reason_code', /row 3: a deduction needs a reason_code/],
    ['an unknown reason code', ADVICE.replace('20.00,01', '20.00,XX'), 'reason_code', /row 3: reason_code "XX" is not one of/],
    ['paid amounts that do not add up', ADVICE.replace('INV-1,500.00', 'INV-1,499.00'), 'paid_amount', /add up to 117400 minor units, the payment_amount is 117500/],
    ['two transfers in one advice', ADVICE.replace('PAY-7781,1175.00,EUR,2026-03-01,INV-3', 'PAY-7782,1175.00,EUR,2026-03-01,INV-3'), 'payment_reference', /row 4: payment_reference "PAY-7782" differs/],
    ['an invoice listed twice', ADVICE.replace('INV-3', 'INV-1'), 'invoice_number', /row 4: invoice_number "INV-1" is listed twice/],
    ['a bad date', ADVICE.replace(/2026-03-01/g, '01.03.2026'), 'payment_date', /payment_date "01.03.2026" is not a date/],
    ['a bad currency', ADVICE.replace(/,EUR,/g, ',EURO,'), 'currency', /currency "EURO" is not an ISO 4217 code/],
    ['no invoice', `${HEADER}\n`, 'invoice_number', /lists no invoice/],
  ])('refuses %s, naming the field', (_, text, field, message) => {
    const error = errorOf(text);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe('remittance advice and its transfer', () => {
  const advice = readAdviceCsv(ADVICE);

  it('fits a transfer of the same amount within the date window by reference, account or name', () => {
    expect(adviceFitsLine(advice, transfer())).toEqual([
      'remittance advice of Müller GmbH for 3 invoices paid 2026-03-01: same amount and currency, booked 2 days after',
      "the line quotes the advice's payment reference PAY-7781",
      'the payer name "MUELLER GMBH" is the advice\'s "Müller GmbH" (similarity 1.00)',
    ]);
    expect(adviceFitsLine(advice, transfer({ payerName: null, remittanceText: '', payerAccount: 'DE89370400440532013000' }))).not.toBeNull();
  });

  it('does not fit another amount, currency, a date outside the window or an unrelated payer', () => {
    expect(adviceFitsLine(advice, transfer({ amountMinor: 117_400 }))).toBeNull();
    expect(adviceFitsLine(advice, transfer({ currency: 'USD' }))).toBeNull();
    expect(adviceFitsLine(advice, transfer({ bookingDate: '2026-03-20' }))).toBeNull();
    expect(adviceFitsLine(advice, transfer({ bookingDate: '2026-02-20' }))).toBeNull();
    expect(adviceFitsLine(advice, transfer({ payerName: 'Beta Oy', remittanceText: 'Monthly' }))).toBeNull();
  });

  it('splits the transfer exactly over the listed invoices, booking deductions by reason', () => {
    const run = CashApplication.fromData({ openItems: items });
    run.addAdvice('advice-1', advice);
    const result = run.match(transfer())!;
    expect(result.status).toBe('applied');
    expect(result.adviceId).toBe('advice-1');
    expect(result.confidence).toBe(0.97);
    expect(result.allocations.map((a) => [a.invoiceNumber, a.amountMinor])).toEqual([
      ['INV-1', 50_000],
      ['INV-2', 38_000],
      ['INV-3', 29_500],
    ]);
    expect(result.unappliedMinor).toBe(0);
    expect(result.deductions).toEqual([
      { invoiceId: 'id-INV-2', invoiceNumber: 'INV-2', amountMinor: 2_000, reasonCode: '01', booking: 'kept-open', why: 'INV-2: 20.00 EUR deducted, X12 01 Pricing Error: kept open for finance to credit or chase' },
      { invoiceId: 'id-INV-3', invoiceNumber: 'INV-3', amountMinor: 500, reasonCode: '57', booking: 'write-off', why: 'INV-3: 5.00 EUR deducted, X12 57 Volume Discount Taken: written off (agreed terms, within tolerance)' },
    ]);
    // The pricing dispute stays open on INV-2; the volume discount is written off INV-3.
    expect(run.openBalanceMinor('id-INV-1')).toBe(0);
    expect(run.openBalanceMinor('id-INV-2')).toBe(2_000);
    expect(run.openBalanceMinor('id-INV-3')).toBe(0);
    expect(result.reasons).toContain('INV-2: 20.00 EUR deducted, X12 01 Pricing Error: kept open for finance to credit or chase');
    expect(result.reasons).toContain('INV-3: 5.00 EUR deducted, X12 57 Volume Discount Taken: written off (agreed terms, within tolerance)');
  });

  it('keeps a write-off reason above the tolerance open', () => {
    const big = readAdviceCsv(`${HEADER}\nBeta Oy,,,1075.00,EUR,2026-03-01,INV-4,1075.00,100.00,57,\n`);
    const run = CashApplication.fromData({ openItems: items });
    run.addAdvice('advice-2', big);
    const result = run.match(transfer({ amountMinor: 107_500, payerName: 'Beta Oy', remittanceText: '' }))!;
    expect(result.status).toBe('applied');
    expect(result.deductions).toEqual([
      { invoiceId: 'id-INV-4', invoiceNumber: 'INV-4', amountMinor: 10_000, reasonCode: '57', booking: 'kept-open', why: 'INV-4: 100.00 EUR deducted, X12 57 Volume Discount Taken: kept open (above the write-off tolerance)' },
    ]);
    expect(run.openBalanceMinor('id-INV-4')).toBe(10_000);
  });

  it('re-splits a transfer matched before its advice arrived', () => {
    const run = CashApplication.fromData({ openItems: items });
    const line = transfer({ remittanceText: 'Zahlung' });
    const before = run.match(line)!;
    expect(before.status).not.toBe('applied');
    run.addAdvice('advice-late', advice);
    const after = run.match(line)!;
    expect(after.status).toBe('applied');
    expect(after.allocations).toHaveLength(3);
    expect(run.adviceUsedBy(line.lineId)).toBe('advice-late');
  });

  it('follows an advice once: a second transfer of the same amount is matched by the other rules', () => {
    const run = CashApplication.fromData({ openItems: items });
    run.addAdvice('advice-1', advice);
    run.addAdvice('advice-1', advice);
    expect(run.match(transfer())!.adviceId).toBe('advice-1');
    const second = run.match(transfer())!;
    expect(second.adviceId).toBeUndefined();
    expect(second.status).not.toBe('applied');
  });

  it('only suggests when an invoice of the advice is not open, saying which', () => {
    const wrong = readAdviceCsv(ADVICE.replace('INV-3', 'INV-9'));
    const run = CashApplication.fromData({ openItems: items });
    run.addAdvice('advice-3', wrong);
    const result = run.match(transfer())!;
    expect(result.status).toBe('suggested');
    expect(result.allocations).toEqual([]);
    expect(result.reasons).toContain('INV-9 of the advice is not an open item: the advice is not followed without finance');
    expect(run.openBalanceMinor('id-INV-1')).toBe(50_000);
  });
});

/** A PDF advice as customers send them: a letterhead, then the table (made with pdfkit). */
function advicePdf(rows: readonly string[][]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 30, info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(14).text('Müller GmbH - Zahlungsavis / remittance advice', 30, 30);
    doc.fontSize(5);
    rows.forEach((row, r) => row.forEach((cell, c) => doc.text(cell, 30 + c * 72, 80 + r * 16, { lineBreak: false })));
    doc.end();
  });
}

describe('remittance advice PDF', () => {
  // As a PDF table: the account without spaces, the transfer's columns only on the first row.
  const rows = ADVICE.replace(/DE89 3704 0044 0532 0130 00/g, 'DE89370400440532013000')
    .trim()
    .split('\n')
    .map((l, i) => l.split(',').map((cell, c) => (i >= 2 && c < 6 ? '' : cell)));

  it('reads the table of a PDF advice like the CSV', async () => {
    const pdf = await advicePdf(rows);
    expect(await readAdvicePdf(new Uint8Array(pdf))).toEqual({ ...readAdviceCsv(ADVICE), payerAccount: 'DE89370400440532013000' });
  });

  it('refuses a PDF without the advice table, and bytes that are no PDF', async () => {
    const pdf = await advicePdf([['Thank you for your business']]);
    await expect(readAdvicePdf(new Uint8Array(pdf))).rejects.toThrow(/no table header row with the advice columns/);
    await expect(readAdvicePdf(new TextEncoder().encode('%PDF-1.4 nonsense'))).rejects.toBeInstanceOf(RemittanceAdviceError);
  });

  it('is used by the command line with --advice, and a bad advice is a usage error naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cashapp-advice-'));
    writeFileSync(join(dir, 'open.csv'), 'invoice_number,customer_id,customer_name,currency,balance,issue_date,due_date,rf_reference\nINV-1,C-1,Müller GmbH,EUR,500.00,2026-01-15,2026-02-14,\nINV-2,C-1,Müller GmbH,EUR,400.00,2026-01-15,2026-02-14,\nINV-3,C-1,Müller GmbH,EUR,300.00,2026-01-15,2026-02-14,\n');
    writeFileSync(join(dir, 'statement.csv'), 'date,amount,currency,reference,payer_name,payer_account\n2026-03-03,1175.00,EUR,Zahlung PAY-7781,MUELLER GMBH,\n');
    writeFileSync(join(dir, 'advice.pdf'), await advicePdf(rows));
    const out = join(dir, 'out.jsonl');
    const result = await runTsx('bin/cashapp.ts', ['--open-items', join(dir, 'open.csv'), '--statement', join(dir, 'statement.csv'), '--advice', join(dir, 'advice.pdf'), '--out', out]);
    expect(result.status).toBe(0);
    const record = JSON.parse(readFileSync(out, 'utf8').trim()) as Record<string, unknown>;
    expect(record).toMatchObject({
      status: 'applied',
      advice_id: 'advice.pdf',
      allocations: [
        { invoice_number: 'INV-1', amount: '500.00' },
        { invoice_number: 'INV-2', amount: '380.00' },
        { invoice_number: 'INV-3', amount: '295.00' },
      ],
      deductions: [
        { invoice_number: 'INV-2', amount: '20.00', reason_code: '01', booking: 'kept-open' },
        { invoice_number: 'INV-3', amount: '5.00', reason_code: '57', booking: 'write-off' },
      ],
    });
    writeFileSync(join(dir, 'bad.csv'), ADVICE.replace('20.00,01', '20.00,'));
    const bad = await runTsx('bin/cashapp.ts', ['--open-items', join(dir, 'open.csv'), '--statement', join(dir, 'statement.csv'), '--advice', join(dir, 'bad.csv')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.csv: reason_code: row 3: a deduction needs a reason_code/);
  });
});
