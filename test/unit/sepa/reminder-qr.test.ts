/**
 * Issue 13: every reminder carries an EPC QR code with the amount the letter asks for (the open
 * balance plus the fees and interest it states) and the RF reference, decoded again with `jsqr`.
 */
import { describe, expect, it } from 'vitest';
import { dunningLetter } from '../../../lambdas/core/dunning/letter';
import type { LetterItem, LetterPlan } from '../../../lambdas/core/dunning/run';
import { reminderPaymentCodes } from '../../../lambdas/core/sepa/reminder-payment';
import { createRfReference } from '../../../lambdas/core/references/rf-creditor-reference';
import { readQr } from '../../support/qr-reader';

const seller = { name: 'Example Trading GmbH', address: ['Musterstrasse 1', '10115 Berlin'], iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', vatId: 'DE123456789', creditorId: 'DE98ZZZ09999999999' };

const item = (over: Partial<LetterItem>): LetterItem => ({
  invoiceId: 'I-1',
  number: 'INV-2027-000001',
  rfReference: createRfReference('INV2027000001'),
  currency: 'EUR',
  dueDate: '2027-03-15',
  daysPastDue: 7,
  level: 1,
  raised: true,
  balanceMinor: 50_000,
  feesMinor: 500,
  interestMinor: 120,
  chargesOpenMinor: 620,
  chargesRfReference: createRfReference('INV2027000001C'),
  chargesNumber: 'INV-2027-000001-C',
  ...over,
});

const images = (html: string) => [...html.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => readQr(Buffer.from(m[1]!, 'base64')));

describe('the EPC QR code on reminder letters', () => {
  it('asks for the open balance plus the fees and interest the letter states, with the RF reference, decoded again from the HTML and the attachment', async () => {
    const plan: LetterPlan = { customerId: 'C-1', level: 1, template: 'friendly-reminder', items: [item({})] };
    const codes = await reminderPaymentCodes(plan, seller);
    expect(codes.map((c) => c.amountMinor)).toEqual([50_620]);
    const letter = dunningLetter(plan, { name: 'Anna Schmidt', email: 'anna@example.com', locale: 'en' }, seller, undefined, [], codes);
    const expected = ['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Example Trading GmbH', 'DE89370400440532013000', 'EUR506.20', '', plan.items[0]!.rfReference].join('\n');
    expect(images(letter.html)).toEqual([expected]);
    expect(letter.attachments).toHaveLength(1);
    expect(letter.attachments![0]).toMatchObject({ filename: 'epc-qr-INV-2027-000001.png', contentType: 'image/png' });
    expect(readQr(Buffer.from(letter.attachments![0]!.content))).toBe(expected);
    expect(letter.text).toContain('Scan with your banking app to pay INV-2027-000001: €506.20, reference');
  });

  it('draws one code per EUR item with money open, none for another currency, and says it in German', async () => {
    const plan: LetterPlan = {
      customerId: 'C-1',
      level: 2,
      template: 'firm-reminder',
      items: [
        item({ invoiceId: 'I-1', balanceMinor: 12_345, chargesOpenMinor: 0, feesMinor: 0, interestMinor: 0, chargesRfReference: null, chargesNumber: null }),
        item({ invoiceId: 'I-2', number: 'INV-2027-000002', rfReference: createRfReference('INV2027000002'), currency: 'USD', balanceMinor: 9_900 }),
        item({ invoiceId: 'I-3', number: 'INV-2027-000003', rfReference: createRfReference('INV2027000003'), balanceMinor: 7_000, chargesOpenMinor: 250 }),
      ],
    };
    const codes = await reminderPaymentCodes(plan, seller);
    expect(codes.map((c) => [c.invoiceId, c.amountMinor])).toEqual([
      ['I-1', 12_345],
      ['I-3', 7_250],
    ]);
    const letter = dunningLetter(plan, { name: 'Anna Schmidt', email: 'anna@example.com', locale: 'de-DE' }, seller, undefined, [], codes);
    const read = images(letter.html);
    expect(read.map((p) => p.split('\n')[7])).toEqual(['EUR123.45', 'EUR72.50']);
    expect(read.map((p) => p.split('\n')[9])).toEqual([plan.items[0]!.rfReference, plan.items[2]!.rfReference]);
    expect(letter.text).toContain('Mit der Banking-App scannen und INV-2027-000003 bezahlen');
  });

  it('has no code and no attachment when the letter is given none', async () => {
    const plan: LetterPlan = { customerId: 'C-1', level: 1, template: 'friendly-reminder', items: [item({ currency: 'GBP' })] };
    expect(await reminderPaymentCodes(plan, seller)).toEqual([]);
    const letter = dunningLetter(plan, { name: 'A', email: 'a@example.com', locale: 'en' }, seller);
    expect(letter.html).not.toContain('data:image/png');
    expect(letter.attachments).toBeUndefined();
  });
});
