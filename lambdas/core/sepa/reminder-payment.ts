/**
 * The EPC QR codes (GiroCode) of a reminder letter: one per EUR item the letter asks to be paid,
 * with the seller's IBAN, BIC and name, the amount the letter states for the item when it is
 * rendered (its open balance plus the fees and interest the letter asks for it) and the item's RF
 * reference, so the customer's banking app fills the transfer in. Items in another currency get
 * none (the EPC code carries EUR only).
 */
import type { LetterPlan } from '../dunning/run';
import { epcQrPayload, epcQrPng } from './epc-qr';
import type { PaymentSeller } from './invoice-payment';

export interface ReminderPaymentCode {
  readonly invoiceId: string;
  readonly number: string;
  readonly rfReference: string;
  /** What the code asks to pay: the item's balance and the charges the letter states for it. */
  readonly amountMinor: number;
  readonly payload: string;
  readonly png: Buffer;
}

/** The QR codes of the letter's items, in the letter's order. */
export async function reminderPaymentCodes(plan: Pick<LetterPlan, 'items'>, seller: PaymentSeller): Promise<ReminderPaymentCode[]> {
  const codes: ReminderPaymentCode[] = [];
  for (const item of plan.items) {
    const amountMinor = item.balanceMinor + item.chargesOpenMinor;
    if (item.currency !== 'EUR' || amountMinor <= 0) continue;
    const payload = epcQrPayload({ bic: seller.bic || null, name: seller.name.slice(0, 70), iban: seller.iban, amountMinor, currency: 'EUR', rfReference: item.rfReference });
    codes.push({ invoiceId: item.invoiceId, number: item.number, rfReference: item.rfReference, amountMinor, payload, png: await epcQrPng(payload, 200) });
  }
  return codes;
}
