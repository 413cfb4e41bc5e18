import { describe, expect, it } from 'vitest';
import { epcQrPayload, epcQrPng, EpcQrError, EPC_QR_MAX_BYTES } from '../../../lambdas/core/sepa/epc-qr';
import { readQr } from '../../support/qr-reader';

const seller = { bic: 'COBADEFFXXX', name: 'Example Trading GmbH', iban: 'DE89 3704 0044 0532 0130 00', currency: 'EUR' };

describe('EPC QR code (EPC069-12 v002, "GiroCode")', () => {
  it('writes the lines in the guideline order, UTF-8, LF, EUR amount, RF reference in the structured field', () => {
    const payload = epcQrPayload({ ...seller, amountMinor: 1234, rfReference: 'RF18539007547034' });
    expect(payload).toBe(['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Example Trading GmbH', 'DE89370400440532013000', 'EUR12.34', '', 'RF18539007547034'].join('\n'));
    expect(payload.endsWith('\n')).toBe(false);
  });

  it('leaves the amount empty for nothing open and the BIC empty when there is none, keeping the line count', () => {
    const payload = epcQrPayload({ ...seller, bic: null, amountMinor: 0, rfReference: null, text: 'Invoice INV-2026-000001' });
    expect(payload.split('\n')).toEqual(['BCD', '002', '1', 'SCT', '', 'Example Trading GmbH', 'DE89370400440532013000', '', '', '', 'Invoice INV-2026-000001']);
  });

  it('keeps UTF-8 names byte for byte and respects the 331-byte limit', () => {
    const payload = epcQrPayload({ ...seller, name: 'Müller & Söhne', amountMinor: 999_999_999_99, rfReference: 'RF18539007547034' });
    expect(payload).toContain('Müller & Söhne');
    expect(payload).toContain('EUR999999999.99');
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(EPC_QR_MAX_BYTES);
  });

  it.each([
    [{ currency: 'USD' }, /only EUR/],
    [{ iban: 'DE88370400440532013000' }, /IBAN/],
    [{ rfReference: 'RF00BAD' }, /RF creditor reference/],
    [{ rfReference: 'RF18539007547034', text: 'x' }, /exclusive/],
    [{ name: 'x'.repeat(71) }, /1-70/],
    [{ amountMinor: 100_000_000_000 }, /999999999.99/],
    [{ bic: 'NOPE' }, /BIC/],
  ])('refuses %o', (over, problem) => {
    expect(() => epcQrPayload({ ...seller, amountMinor: 100, ...over })).toThrow(problem);
    expect(() => epcQrPayload({ ...seller, amountMinor: 100, ...over })).toThrow(EpcQrError);
  });

  it('draws a symbol that a QR reader decodes to the same bytes', async () => {
    const payload = epcQrPayload({ ...seller, name: 'Müller & Söhne', amountMinor: 4711, rfReference: 'RF18539007547034' });
    const png = await epcQrPng(payload);
    expect(readQr(png)).toBe(payload);
  });
});
