import { describe, expect, it } from 'vitest';
import { invoicePayment } from '../../../lambdas/core/sepa/invoice-payment';
import { invoiceDocument } from '../../../lambdas/core/invoices/document/invoice-document';
import { renderInvoiceHtml } from '../../../lambdas/core/invoices/document/invoice-html';
import { renderInvoicePdf } from '../../../lambdas/core/invoices/document/invoice-pdf';
import { createMandate } from '../../../lambdas/core/sepa/mandate';
import { anInvoice } from '../../support/builders';
import { readQr } from '../../support/qr-reader';

const seller = { name: 'Example Trading GmbH', address: ['Musterstrasse 1'], iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', vatId: 'DE123456789', creditorId: 'DE98ZZZ09999999999' };
const mandate = createMandate({ mandateId: 'MD-C1-1', customerId: 'C-1', creditorId: 'DE98ZZZ09999999999', scheme: 'CORE', iban: 'DE02120300000000202051', bic: null, accountHolder: 'Acme', signedOn: '2026-01-10' }, '2026-01-10T10:00:00Z');

function qrFromHtml(html: string): string {
  const match = /src="data:image\/png;base64,([^"]+)"/.exec(html);
  if (!match) throw new Error('no QR image in the page');
  return readQr(Buffer.from(match[1]!, 'base64'));
}

describe('the payment part of an invoice document, at render time', () => {
  it('carries an EPC QR code with the amount open now and the RF reference, decoded again from the page', async () => {
    const invoice = anInvoice({ invoiceId: 'I-1', customerId: 'C-1', totalMinor: 89_940, paidMinor: 40_000, balanceMinor: 49_940, currency: 'EUR' });
    const payment = await invoicePayment(invoice, seller, []);
    expect(payment.preNotification).toBeNull();
    const html = renderInvoiceHtml(invoiceDocument(invoice, seller, 'de', { payment: { openMinor: payment.openMinor, preNotification: null, hasQr: true } }), payment.qr!.png);
    expect(qrFromHtml(html)).toBe(['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Example Trading GmbH', 'DE89370400440532013000', 'EUR499.40', '', invoice.rfReference].join('\n'));
    expect(html).toContain('Mit der Banking-App scannen und bezahlen');
    const pdf = await renderInvoicePdf(invoiceDocument(invoice, seller, 'de', { payment: { openMinor: payment.openMinor, preNotification: null, hasQr: true } }), { qrPng: payment.qr!.png });
    expect(Buffer.from(pdf).toString('latin1')).toMatch(/\/Subtype \/Image/);
  });

  it('has no QR code when nothing is open', async () => {
    const paid = anInvoice({ invoiceId: 'I-2', customerId: 'C-1', totalMinor: 1000, paidMinor: 1000, balanceMinor: 0, status: 'PAID' });
    expect(await invoicePayment(paid, seller, [])).toEqual({ openMinor: 0, preNotification: null, qr: null });
  });

  it('pre-notifies the direct debit of a customer with an active mandate: amount, date, account ending, mandate, creditor id', async () => {
    const invoice = anInvoice({ invoiceId: 'I-3', customerId: 'C-1', totalMinor: 12_345, balanceMinor: 12_345, currency: 'EUR', dueDate: '2026-04-04' });
    const payment = await invoicePayment(invoice, seller, [mandate]);
    expect(payment.qr).toBeNull();
    expect(payment.preNotification).toEqual({ amountMinor: 12_345, collectionDate: '2026-04-07', ibanEnding: '2051', mandateId: 'MD-C1-1', creditorId: 'DE98ZZZ09999999999' });
    const html = renderInvoiceHtml(invoiceDocument(invoice, seller, 'en', { payment: { openMinor: payment.openMinor, preNotification: payment.preNotification, hasQr: false } }));
    expect(html).toContain('We will collect €123.45 on Apr 7, 2026 by SEPA direct debit from your account ending in 2051.');
    expect(html).toContain('MD-C1-1');
    expect(html).toContain('DE98ZZZ09999999999');
    expect(html).not.toContain('data:image/png');
  });

  it('shows the QR code again, not the pre-notification, after the collection came back', async () => {
    const invoice = anInvoice({ invoiceId: 'I-4', customerId: 'C-1', totalMinor: 5000, balanceMinor: 5000, currency: 'EUR' });
    const returned = { ...invoice, directDebit: { status: 'returned' as const, fileId: 'F', endToEndId: 'X-1', mandateId: 'MD-C1-1', scheme: 'CORE' as const, sequence: 'FRST' as const, collectionDate: '2026-04-07', amountMinor: 5000, attempt: 1, previousCollectionOn: null } };
    const payment = await invoicePayment(returned, seller, [mandate]);
    expect(payment.preNotification).toBeNull();
    expect(payment.qr?.payload).toContain('EUR50.00');
  });
});
