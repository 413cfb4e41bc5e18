/**
 * The EPC QR code ("GiroCode"), EPC069-12 "Quick Response Code: Guidelines to Enable Data Capture
 * for the Initiation of a SEPA Credit Transfer", version 002. The payload is lines separated by LF,
 * in this order:
 *
 *  1. service tag `BCD`
 *  2. version `002`
 *  3. character set `1` (UTF-8)
 *  4. identification `SCT`
 *  5. BIC of the beneficiary's bank (optional in version 002, within the EEA)
 *  6. beneficiary name (max 70)
 *  7. beneficiary IBAN
 *  8. amount `EUR` + decimal with a point and at most 2 decimals, 0.01 to 999999999.99 (empty: the
 *     payer types it)
 *  9. purpose code (4 letters, empty here)
 * 10. structured remittance: the RF creditor reference (max 35); when present, 11 stays empty
 * 11. unstructured remittance (max 140)
 * 12. beneficiary to originator information (max 70)
 *
 * Empty lines at the end are left out (the last element is followed by no separator); the whole
 * payload is at most 331 bytes; the symbol uses error correction level M. {@link epcQrPayload}
 * checks every rule and builds the text; {@link epcQrPngDataUrl} draws it with the `qrcode` package.
 */
import QRCode from 'qrcode';
import { bicProblem, electronicIban, ibanProblem } from './accounts';
import { sepaAmount } from './control-sum';
import { isValidRfReference } from '../references/rf-creditor-reference';

export const EPC_QR_MAX_BYTES = 331;

export interface EpcQrInput {
  readonly bic: string | null;
  readonly name: string;
  readonly iban: string;
  /** Open amount in EUR cents (null or 0: no amount, the payer types it). */
  readonly amountMinor: number | null;
  readonly currency: string;
  readonly rfReference?: string | null;
  readonly text?: string | null;
  readonly information?: string | null;
}

export class EpcQrError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`EPC QR code: ${problems.join('; ')}`);
    this.name = 'EpcQrError';
  }
}

/** The payload of the EPC QR code, byte for byte as EPC069-12 v002 specifies (UTF-8, LF). */
export function epcQrPayload(input: EpcQrInput): string {
  const problems: string[] = [];
  if (input.currency !== 'EUR') problems.push(`the EPC QR code carries only EUR, not ${input.currency}`);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 70) problems.push('beneficiary name must be 1-70 characters');
  const ibanIssue = ibanProblem(input.iban);
  if (ibanIssue) problems.push(`IBAN ${ibanIssue}`);
  if (input.bic && bicProblem(input.bic)) problems.push('BIC is not a BIC');
  const rf = input.rfReference ?? '';
  const text = input.text ?? '';
  if (rf && text) problems.push('structured and unstructured remittance are exclusive');
  if (rf && (rf.length > 35 || !isValidRfReference(rf))) problems.push(`remittance reference ${rf} is not an RF creditor reference`);
  if (text.length > 140) problems.push('unstructured remittance must be at most 140 characters');
  const info = input.information ?? '';
  if (info.length > 70) problems.push('beneficiary to originator information must be at most 70 characters');
  const amountMinor = input.amountMinor ?? 0;
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0 || amountMinor > 99_999_999_999) problems.push('amount must be from 0.01 to 999999999.99 EUR');
  if (problems.length > 0) throw new EpcQrError(problems);
  const lines = ['BCD', '002', '1', 'SCT', input.bic ? input.bic.trim().toUpperCase() : '', name, electronicIban(input.iban), amountMinor > 0 ? `EUR${sepaAmount(amountMinor)}` : '', '', rf, text, info];
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const payload = lines.join('\n');
  if (Buffer.byteLength(payload, 'utf8') > EPC_QR_MAX_BYTES) throw new EpcQrError([`payload is ${Buffer.byteLength(payload, 'utf8')} bytes, more than ${EPC_QR_MAX_BYTES}`]);
  return payload;
}

/** The QR symbol of a payload as a PNG (error correction M, as EPC069-12 requires), for PDF and HTML. */
export async function epcQrPng(payload: string, widthPx = 240): Promise<Buffer> {
  return QRCode.toBuffer([{ data: Buffer.from(payload, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M', type: 'png', width: widthPx, margin: 4 });
}

export async function epcQrPngDataUrl(payload: string, widthPx = 240): Promise<string> {
  return `data:image/png;base64,${(await epcQrPng(payload, widthPx)).toString('base64')}`;
}
