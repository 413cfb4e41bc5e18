/**
 * The EN 16931 semantic model of an invoice or credit note (business terms BT-n, groups BG-n),
 * built from the product's invoice, the seller settings and the buyer recorded at issue. Pure and
 * syntax-free: the UBL 2.1 and CII D16B serializers only write this out, so every format says the
 * same thing. Amounts stay integer minor units with the document currency.
 */
import { ConflictError } from '../errors';
import type { Invoice, InvoiceBuyer } from '../invoices/invoice';
import type { Seller } from '../invoices/invoice-email';
import { lineVatOf } from '../orders/order';
import type { CreditNote } from '../invoices/credit-note';
import { vatBreakdown, type VatBreakdownRow, type VatCategory } from '../tax/vat';
import { normalizeVatId, splitPeppolId, type PostalAddress } from './party';

/** The e-invoice syntaxes and specifications (CIUS) the product writes. */
export const EINVOICE_FORMATS = ['ubl', 'cii', 'xrechnung-ubl', 'xrechnung-cii', 'peppol-bis'] as const;
export type EinvoiceFormat = (typeof EINVOICE_FORMATS)[number];

/** BT-24: the specification identifier each format declares. */
export const SPECIFICATIONS = {
  en16931: 'urn:cen.eu:en16931:2017',
  xrechnung: 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0',
  peppol: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0',
} as const;
export type Specification = keyof typeof SPECIFICATIONS;

/** BT-23: the business process (Peppol billing), where the specification asks for one. */
export const PEPPOL_BILLING_PROCESS = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';

export function formatSyntax(format: EinvoiceFormat): { syntax: 'ubl' | 'cii'; specification: Specification } {
  switch (format) {
    case 'ubl':
      return { syntax: 'ubl', specification: 'en16931' };
    case 'cii':
      return { syntax: 'cii', specification: 'en16931' };
    case 'xrechnung-ubl':
      return { syntax: 'ubl', specification: 'xrechnung' };
    case 'xrechnung-cii':
      return { syntax: 'cii', specification: 'xrechnung' };
    case 'peppol-bis':
      return { syntax: 'ubl', specification: 'peppol' };
  }
}

export interface ElectronicAddress {
  /** EAS code (`0088`, `9930`, `EM` for an email address). */
  readonly scheme: string;
  readonly id: string;
}

export interface EParty {
  readonly name: string;
  readonly address: PostalAddress;
  readonly vatId: string | null;
  readonly legalId: string | null;
  /** Seller only: a tax number (BT-32). */
  readonly taxNumber: string | null;
  readonly electronicAddress: ElectronicAddress;
  readonly contact: { readonly name: string | null; readonly phone: string | null; readonly email: string | null } | null;
}

export interface ELine {
  /** BT-126 */
  readonly id: string;
  /** BT-129, unit code C62 (one) */
  readonly quantity: number;
  /** BT-131 */
  readonly netMinor: number;
  /** BT-146: net price of one unit. */
  readonly unitPriceMinor: number;
  /** BT-153 item name and BT-155 the seller's item id (the SKU). */
  readonly itemName: string;
  readonly sellerItemId: string;
  /** BT-151, BT-152 */
  readonly vatCategory: VatCategory;
  readonly ratePercent: string;
}

export interface EInvoice {
  /** 380 commercial invoice, 381 credit note (BT-3). */
  readonly typeCode: '380' | '381';
  readonly specification: Specification;
  readonly number: string;
  readonly issueDate: string;
  readonly dueDate: string | null;
  readonly currency: string;
  readonly buyerReference: string;
  readonly orderReference: string | null;
  /** BG-3: the invoice a credit note corrects. */
  readonly precedingInvoice: { readonly number: string; readonly issueDate: string } | null;
  readonly notes: readonly string[];
  readonly seller: EParty;
  readonly buyer: EParty;
  /** BT-72 or BG-14, and BG-15 the address delivered to (the buyer's). */
  readonly delivery: { readonly date: string | null; readonly period: { readonly from: string; readonly to: string } | null; readonly address: PostalAddress };
  /** BG-16: SEPA credit transfer (58) to the seller's account, the RF reference as remittance information (BT-83). */
  readonly payment: { readonly meansCode: '58'; readonly remittanceInformation: string; readonly iban: string; readonly bic: string; readonly accountName: string; readonly terms: string };
  readonly lines: readonly ELine[];
  readonly vatBreakdown: readonly VatBreakdownRow[];
  readonly totals: {
    /** BT-106 */
    readonly lineNetMinor: number;
    /** BT-109 */
    readonly taxExclusiveMinor: number;
    /** BT-110 */
    readonly taxMinor: number;
    /** BT-112 */
    readonly taxInclusiveMinor: number;
    /** BT-115 */
    readonly payableMinor: number;
  };
}

/** What is missing for an e-invoice (HTTP 409 naming each): the buyer's address, the seller's data, a line's VAT category. */
export class EinvoiceIncompleteError extends ConflictError {
  constructor(
    readonly documentNumber: string,
    readonly missing: readonly string[],
  ) {
    super(`${documentNumber} cannot be produced as an e-invoice: ${missing.join('; ')}`, 'EINVOICE_INCOMPLETE');
    this.name = 'EinvoiceIncompleteError';
  }
}

/** What a document needs besides its lines and amounts: the credit-note facts, when it is one. */
export interface EinvoiceSource {
  readonly invoice: Invoice;
  readonly seller: Seller;
  /** Credit note: its own number, date, lines and VAT breakdown; `invoice` is the invoice it corrects. */
  readonly creditNote?: Pick<CreditNote, 'number' | 'issueDate' | 'reason' | 'lines' | 'vatBreakdown' | 'totalMinor'>;
}

/** The electronic address: the Peppol id, or (outside Peppol, which accepts only participant ids) the email address. */
function electronicAddressOf(peppolId: string | null | undefined, email: string | null | undefined, peppol: boolean): ElectronicAddress | null {
  if (peppolId) {
    const { scheme, identifier } = splitPeppolId(peppolId);
    return { scheme, id: identifier };
  }
  return email && !peppol ? { scheme: 'EM', id: email } : null;
}

function sellerParty(seller: Seller, missing: string[], peppol: boolean): EParty | null {
  const address = seller.postalAddress;
  if (!address) missing.push('the seller has no structured postal address (settings seller.postalAddress)');
  const electronicAddress = electronicAddressOf(seller.peppolId, seller.contact?.email, peppol);
  if (!electronicAddress) missing.push(peppol ? 'the seller has no Peppol participant id (settings seller.peppolId)' : 'the seller has no electronic address (settings seller.peppolId or seller.contact.email)');
  if (!address || !electronicAddress) return null;
  return {
    name: seller.name,
    address: { ...address, lines: [...address.lines] },
    vatId: seller.vatId ? normalizeVatId(seller.vatId) : null,
    legalId: seller.legalId ?? null,
    taxNumber: seller.taxNumber ?? null,
    electronicAddress,
    contact: seller.contact ? { name: seller.contact.name, phone: seller.contact.phone, email: seller.contact.email } : null,
  };
}

function buyerParty(buyer: InvoiceBuyer | undefined, missing: string[], peppol: boolean): EParty | null {
  if (!buyer) {
    missing.push('the invoice was issued before buyer data was recorded (no buyer address)');
    return null;
  }
  if (!buyer.address) missing.push('the customer has no address (PUT /customers/{customerId} address)');
  const electronicAddress = electronicAddressOf(buyer.peppolId, buyer.email, peppol);
  if (!electronicAddress) missing.push(peppol ? 'the customer has no Peppol participant id (PUT /customers/{customerId} peppolId)' : 'the customer has no electronic address (peppolId or email)');
  if (!buyer.address || !electronicAddress) return null;
  return {
    name: buyer.name,
    address: buyer.address,
    vatId: buyer.vatId,
    legalId: buyer.legalId,
    taxNumber: null,
    electronicAddress,
    contact: null,
  };
}

/**
 * The EN 16931 model of `invoice` (or of the credit note given) for `specification`.
 *
 * @throws EinvoiceIncompleteError naming everything missing.
 */
export function einvoiceModel(source: EinvoiceSource, specification: Specification): EInvoice {
  const { invoice, seller, creditNote } = source;
  const missing: string[] = [];
  if (invoice.source === 'import' || invoice.source === 'dunning-charges') {
    throw new EinvoiceIncompleteError(invoice.number, [`it is ${invoice.source === 'import' ? 'an imported open item' : 'a dunning charges item'}, not an invoice issued here`]);
  }
  const peppol = specification === 'peppol';
  const sellerP = sellerParty(seller, missing, peppol);
  const buyerP = buyerParty(invoice.buyer, missing, peppol);
  const sourceLines = creditNote?.lines ?? invoice.lines;
  const lines: ELine[] = [];
  sourceLines.forEach((l, index) => {
    const vat = lineVatOf(l);
    if (!vat) {
      missing.push(`line ${l.lineNo} (${l.sku}) has no VAT category or rate`);
      return;
    }
    lines.push({
      id: String(creditNote ? index + 1 : l.lineNo),
      quantity: l.quantity,
      netMinor: l.amountMinor,
      unitPriceMinor: l.unitPriceMinor,
      itemName: l.sku,
      sellerItemId: l.sku,
      vatCategory: vat.vatCategory,
      ratePercent: vat.taxRatePercent,
    });
  });
  if (lines.length === 0 && missing.length === 0) missing.push('it has no lines');
  const categories = new Set(lines.map((l) => l.vatCategory));
  const needsSellerVat = [...categories].some((c) => c !== 'O');
  if (needsSellerVat && !seller.vatId) missing.push("the seller's VAT identifier (settings seller.vatId)");
  if (sellerP && buyerP && ['AE', 'K'].some((c) => categories.has(c as VatCategory)) && !buyerP.vatId) missing.push("the customer's VAT identifier (reverse charge / intra-community supply)");
  if (missing.length > 0 || !sellerP || !buyerP) throw new EinvoiceIncompleteError(creditNote?.number ?? invoice.number, missing);

  // The breakdown: as the invoice stored it (BR-CO-17 since it was introduced), else from its lines.
  const rows = creditNote ? creditNote.vatBreakdown : (invoice.vatBreakdown ?? vatBreakdown(sourceLines.map((l) => ({ netMinor: l.amountMinor, vat: lineVatOf(l) }))));
  const lineNetMinor = lines.reduce((a, l) => a + l.netMinor, 0);
  const taxMinor = rows.reduce((a, r) => a + r.taxMinor, 0);
  const taxInclusiveMinor = lineNetMinor + taxMinor;
  // An invoice issued before BR-CO-17 kept per-line rounded tax: its stored total is what is owed.
  const payableMinor = creditNote ? creditNote.totalMinor : invoice.totalMinor;
  if (payableMinor !== taxInclusiveMinor) {
    throw new EinvoiceIncompleteError(creditNote?.number ?? invoice.number, [
      `its stored total ${payableMinor} differs from the EN 16931 total ${taxInclusiveMinor} (issued before VAT was rounded per category)`,
    ]);
  }
  // Outside the scope of VAT: no VAT identifiers at all (BR-O-02..04).
  const outsideScope = categories.size === 1 && categories.has('O');
  const sellerParty_ = outsideScope ? { ...sellerP, vatId: null } : sellerP;
  const buyerParty_ = outsideScope ? { ...buyerP, vatId: null } : buyerP;
  const supply = invoice.supply ?? { date: invoice.issueDate };
  const terms = creditNote
    ? `Credit note for invoice ${invoice.number}: ${creditNote.reason}`
    : `Payable without deduction by ${invoice.dueDate} by SEPA credit transfer, quoting ${invoice.rfReference}.`;
  return {
    typeCode: creditNote ? '381' : '380',
    specification,
    number: creditNote?.number ?? invoice.number,
    issueDate: creditNote?.issueDate ?? invoice.issueDate,
    dueDate: creditNote ? null : invoice.dueDate,
    currency: invoice.currency,
    buyerReference: invoice.buyer?.buyerReference ?? invoice.customerId,
    orderReference: invoice.orderReference ?? null,
    precedingInvoice: creditNote ? { number: invoice.number, issueDate: invoice.issueDate } : null,
    notes: creditNote ? [creditNote.reason] : [],
    seller: sellerParty_,
    buyer: buyerParty_,
    delivery: { date: supply.date ?? null, period: supply.period ?? null, address: buyerP.address },
    payment: {
      meansCode: '58',
      remittanceInformation: invoice.rfReference,
      iban: seller.iban.replace(/\s+/g, '').toUpperCase(),
      bic: seller.bic.trim(),
      accountName: seller.name,
      terms,
    },
    lines,
    vatBreakdown: rows,
    totals: { lineNetMinor, taxExclusiveMinor: lineNetMinor, taxMinor, taxInclusiveMinor, payableMinor },
  };
}
