/**
 * How an invoice document tells the customer to pay, at the time it is rendered:
 *
 * - a customer with an active mandate gets the pre-notification: the open amount is collected on
 *   the collection date (the due date, or the next TARGET2 business day) from the account ending
 *   in the IBAN's last four characters, under the mandate reference and the seller's creditor id
 *   (from the invoice's collection when it is in a file already);
 * - everyone else with money open in EUR gets the EPC QR code (GiroCode) with the seller's IBAN,
 *   BIC, name, the amount open now and the RF reference, so a banking app fills the transfer in.
 *
 * Nothing is open: neither. A collection that came back (returned) is not announced again: the
 * QR code shows how to pay it.
 */
import type { Invoice } from '../invoices/invoice';
import { isOpen } from '../invoices/invoice';
import { ibanEnding } from './accounts';
import { epcQrPayload, epcQrPng } from './epc-qr';
import { mandateStatus, type Mandate } from './mandate';
import { businessDayOnOrAfter } from './target2-calendar';

export interface PreNotification {
  readonly amountMinor: number;
  readonly collectionDate: string;
  readonly ibanEnding: string;
  readonly mandateId: string;
  readonly creditorId: string;
}

export interface InvoicePayment {
  /** The amount open when the document is rendered. */
  readonly openMinor: number;
  readonly preNotification: PreNotification | null;
  readonly qr: { readonly payload: string; readonly png: Buffer } | null;
}

export interface PaymentSeller {
  readonly name: string;
  readonly iban: string;
  readonly bic: string;
  readonly creditorId?: string;
}

/** The payment part of the document of `invoice`, given the customer's mandates (none: no direct debit). */
export async function invoicePayment(invoice: Invoice, seller: PaymentSeller, mandates: readonly Mandate[]): Promise<InvoicePayment> {
  const openMinor = isOpen(invoice) ? invoice.balanceMinor : 0;
  if (openMinor === 0) return { openMinor, preNotification: null, qr: null };
  const collection = invoice.directDebit;
  if (collection?.status === 'pending') {
    const mandate = mandates.find((m) => m.mandateId === collection.mandateId);
    return {
      openMinor,
      qr: null,
      preNotification: { amountMinor: collection.amountMinor, collectionDate: collection.collectionDate, ibanEnding: mandate ? ibanEnding(mandate.iban) : '', mandateId: collection.mandateId, creditorId: mandate?.creditorId ?? seller.creditorId ?? '' },
    };
  }
  const collectionDate = businessDayOnOrAfter(invoice.dueDate);
  const mandate = invoice.currency === 'EUR' && collection?.status !== 'returned' ? mandates.filter((m) => mandateStatus(m, collectionDate) === 'ACTIVE').sort((a, b) => (a.signedOn < b.signedOn ? 1 : -1))[0] : undefined;
  if (mandate) {
    return { openMinor, qr: null, preNotification: { amountMinor: openMinor, collectionDate, ibanEnding: ibanEnding(mandate.iban), mandateId: mandate.mandateId, creditorId: mandate.creditorId } };
  }
  if (invoice.currency !== 'EUR') return { openMinor, preNotification: null, qr: null };
  const payload = epcQrPayload({ bic: seller.bic || null, name: seller.name.slice(0, 70), iban: seller.iban, amountMinor: openMinor, currency: invoice.currency, rfReference: invoice.rfReference });
  return { openMinor, preNotification: null, qr: { payload, png: await epcQrPng(payload) } };
}
