import { beforeEach, describe, expect, it } from 'vitest';
import { formatDateForLocale, formatMoneyForLocale, invoiceEmail } from '../../../lambdas/core/invoices/invoice-email';
import { sendInvoice } from '../../../lambdas/core/invoices/send-invoice';
import { NotFoundError } from '../../../lambdas/core/errors';
import { formatRfReferenceForPrint } from '../../../lambdas/core/references/rf-creditor-reference';
import { inMemoryWorld, testSettings, type InMemoryWorld } from '../../support/in-memory';
import { aCustomer, anInvoice, anOrderLine } from '../../support/builders';

/** Intl separates amount and currency with a no-break space; compare with plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

const HOSTILE_NAME = '<script>alert(1)</script> & Co';

const invoice = anInvoice({
  invoiceId: 'I-1',
  customerName: HOSTILE_NAME,
  totalMinor: 123_450,
  balanceMinor: 123_450,
  lines: [
    anOrderLine({ lineNo: 1, sku: 'WIDGET<b>', quantity: 2, unitPriceMinor: 50_000 }),
    anOrderLine({ lineNo: 2, sku: 'GADGET', quantity: 1, unitPriceMinor: 23_450 }),
  ],
  issueDate: '2026-03-02',
  dueDate: '2026-04-01',
});

describe('the invoice email', () => {
  it('escapes customer text in the HTML: a name with a script tag and an ampersand is shown, never run', () => {
    // Act
    const email = invoiceEmail(invoice, 'ap@acme.example', 'en', testSettings.seller);

    // Assess
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('& Co');
    expect(email.html).toContain('WIDGET&lt;b&gt;');
    expect(email.html).not.toContain('WIDGET<b>');
  });

  it('has a plain-text alternative with the same facts, the name as written', () => {
    // Act
    const email = invoiceEmail(invoice, 'ap@acme.example', 'en', testSettings.seller);

    // Assess
    expect(email.to).toBe('ap@acme.example');
    expect(email.subject).toBe('Invoice INV-2026-000001');
    expect(email.text).toContain(`Dear ${HOSTILE_NAME},`);
    expect(email.text).toContain('Invoice number: INV-2026-000001');
    expect(plain(email.text)).toContain('Amount due: €1,234.50');
    expect(email.text).toContain('Due date: Apr 1, 2026');
    expect(email.text).toContain(formatRfReferenceForPrint(invoice.rfReference));
    expect(email.text).toContain('IBAN DE89370400440532013000');
    expect(email.text).not.toMatch(/<\/?(html|body|p|table|tr|td|strong)\b/);
  });

  it('writes German amounts and dates for a German customer', () => {
    // Act
    const email = invoiceEmail(invoice, 'ap@acme.example', 'de-DE', testSettings.seller);

    // Assess
    expect(email.subject).toBe('Rechnung INV-2026-000001');
    expect(plain(email.text)).toContain('Zahlbetrag: 1.234,50 €');
    expect(email.text).toContain('Rechnungsdatum: 02.03.2026');
    expect(email.text).toContain('Fällig am: 01.04.2026');
    expect(plain(email.text)).toContain('WIDGET<b>  2 x 500,00 € = 1.000,00 €');
    expect(plain(email.html)).toContain('1.234,50 €');
    expect(email.html).toContain('<html lang="de">');
  });

  it('prints the RF reference grouped in fours in the HTML', () => {
    // Act
    const email = invoiceEmail(invoice, 'ap@acme.example', 'en', testSettings.seller);

    // Assess
    expect(email.html).toContain(`<strong>${formatRfReferenceForPrint(invoice.rfReference)}</strong>`);
    expect(formatRfReferenceForPrint(invoice.rfReference)).toMatch(/^RF\d{2} INV2 0260 0000 1$/);
  });

  it('formats amounts exactly with the decimals of the currency', () => {
    // Act / Assess
    expect(plain(formatMoneyForLocale(123_450, 'EUR', 'de'))).toBe('1.234,50 €');
    expect(plain(formatMoneyForLocale(1_500, 'JPY', 'de-DE'))).toBe('1.500 ¥');
    expect(plain(formatMoneyForLocale(1_234, 'KWD', 'en'))).toBe('KWD 1.234');
    expect(plain(formatMoneyForLocale(1_234_567_890_123_457, 'EUR', 'en'))).toBe('€12,345,678,901,234.57');
    expect(formatDateForLocale('2026-12-31', 'de')).toBe('31.12.2026');
  });
});

describe('sending the invoice (SendInvoiceByEmail step)', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:05:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1', email: 'rechnung@kunde.example', locale: 'de' }));
    world.invoices.seed(invoice);
  });

  it("emails the invoice in the customer's language and records when and with which message id", async () => {
    // Act
    const result = await sendInvoice(world.deps, { invoiceId: 'I-1' });

    // Assess
    expect(result).toEqual({ messageId: 'message-1', sentAt: '2026-03-02T09:05:00.000Z' });
    expect(world.mailer.sent).toHaveLength(1);
    expect(world.mailer.sent[0]).toMatchObject({ to: 'rechnung@kunde.example', subject: 'Rechnung INV-2026-000001' });
    const stored = world.tables.invoices.get('I-1')!;
    expect(stored).toMatchObject({ sentAt: '2026-03-02T09:05:00.000Z', emailMessageId: 'message-1' });
    expect(stored.history.at(-1)).toEqual({ status: 'SENT', at: '2026-03-02T09:05:00.000Z', note: 'emailed to the customer' });
  });

  it('sends once: running the step again answers the first message without a second email', async () => {
    // Prepare
    const first = await sendInvoice(world.deps, { invoiceId: 'I-1' });
    world.clock.advanceDays(1);

    // Act
    const again = await sendInvoice(world.deps, { invoiceId: 'I-1' });

    // Assess
    expect(again).toEqual(first);
    expect(world.mailer.sent).toHaveLength(1);
  });

  it('reports an unknown invoice as not found and sends nothing', async () => {
    // Act
    const error = await sendInvoice(world.deps, { invoiceId: 'I-404' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(world.mailer.sent).toEqual([]);
  });
});
