/**
 * Invoices (open items): issued from a shipped order with a gapless number and an ISO 11649 RF
 * creditor reference, due after the customer's payment terms, settled by allocations.
 */
import { formatAmount, type Money } from '../money/money';
import { addCalendarDays, calendarDateIn, startOfDateIn } from '../time/clock';
import { createRfReference } from '../references/rf-creditor-reference';
import { journal, type Journal } from '../ledger/ledger';
import type { Order, OrderLine, Shipment, StatusChange } from '../orders/order';
import { lineTax, taxSummary, type TaxSummaryLine } from '../tax/tax';
import { vatBreakdown, type VatBreakdownRow } from '../tax/vat';
import { lineVatOf } from '../orders/order';
import type { Customer } from '../customers/customer';
import type { PostalAddress } from '../einvoice/party';
import type { DunningDetails, DunningHistoryEntry } from '../dunning/state';
import type { InvoiceDirectDebit } from '../sepa/collection';

export type InvoiceStatus = 'OPEN' | 'PARTIALLY_PAID' | 'PAID' | 'OVERDUE' | 'DISPUTED' | 'WRITTEN_OFF' | 'CREDITED';

export interface Allocation {
  readonly paymentId: string;
  readonly amountMinor: number;
  readonly at: string;
}

/** The dunning record: level, block end and the escalation's history; the rest in {@link DunningDetails}. */
export interface DunningState extends DunningDetails {
  readonly level: number;
  readonly blockedUntil: string | null;
  readonly history: readonly DunningHistoryEntry[];
}

/** The buyer as it was when the invoice was issued (EN 16931 BG-7): the invoice keeps what it was addressed to. */
export interface InvoiceBuyer {
  readonly name: string;
  readonly email: string;
  readonly address: PostalAddress | null;
  readonly vatId: string | null;
  readonly legalId: string | null;
  readonly buyerReference: string | null;
  readonly peppolId: string | null;
}

export interface Invoice {
  readonly invoiceId: string;
  readonly number: string;
  readonly series: string;
  readonly sequence: number;
  readonly rfReference: string;
  readonly orderId: string | null;
  /** Where the invoice came from: issued for an order here, or imported as an open item of an earlier ledger (absent: order). */
  readonly source?: 'order' | 'import' | 'dunning-charges';
  readonly customerId: string;
  readonly customerName: string;
  readonly currency: string;
  /** The shipment this invoice bills (null for imported open items). */
  readonly shipmentId?: string | null;
  readonly lines: readonly OrderLine[];
  readonly netTotalMinor?: number;
  readonly taxTotalMinor?: number;
  /** Per tax rate: the lines' nets and their (per line rounded) taxes. */
  readonly taxes?: readonly TaxSummaryLine[];
  /** Gross total. */
  readonly totalMinor: number;
  readonly paidMinor: number;
  readonly balanceMinor: number;
  readonly status: InvoiceStatus;
  readonly issueDate: string;
  readonly dueDate: string;
  /** The instant the invoice becomes overdue: the start of the day after the due date, business time. */
  readonly overdueAt: string;
  readonly overdueSince: string | null;
  readonly issuedAt: string;
  readonly sentAt: string | null;
  readonly emailMessageId: string | null;
  readonly allocations: readonly Allocation[];
  readonly history: readonly StatusChange[];
  readonly dunning: DunningState;
  /** The first day the dunning run considers the item (a GSI key: absent when no action is planned). */
  readonly nextActionDate?: string;
  /** For a dunning-charges item: the invoice whose fees and interest it carries. */
  readonly chargesOf?: string;
  /**
   * The owner: the client that registered the invoice's customer (its `registeredBy`), kept on the
   * invoice so that a storefront's invoices are read from the `byOwner` index. Absent on invoices
   * of customers without an owner (only finance sees those).
   */
  readonly ownerId?: string;
  /** The buyer at issue (absent on invoices issued before it was recorded). */
  readonly buyer?: InvoiceBuyer;
  /** The buyer's order reference (BT-13), the order's `externalRef`. */
  readonly orderReference?: string | null;
  /** Date (BT-72) or period (BG-14) of supply. */
  readonly supply?: { readonly date?: string; readonly period?: { readonly from: string; readonly to: string } };
  /** VAT breakdown per category and rate, VAT rounded once per row (EN 16931 BR-CO-17); on invoices issued since. */
  readonly vatBreakdown?: readonly VatBreakdownRow[];
  /** What keeps the invoice from being legally complete or an e-invoice (`customer has no address`). */
  readonly warnings?: readonly string[];
  /** The invoice's SEPA direct debit collection (in a file, returned, cancelled); absent when never collected. */
  readonly directDebit?: InvoiceDirectDebit;
}

/** What an invoice to `customer` lacks to be a complete VAT invoice and e-invoice (empty when nothing). */
export function missingBuyerData(buyer: Pick<InvoiceBuyer, 'address'> | undefined): string[] {
  if (!buyer) return ['the invoice was issued before buyer data was recorded: no buyer address'];
  return buyer.address ? [] : ['the customer has no address (PUT /customers/{customerId} address): the invoice cannot be produced as an e-invoice'];
}

/** The tax table per rate (the document's rows) from the VAT breakdown: rows of the same rate summed. */
export function taxesByRate(rows: readonly VatBreakdownRow[]): TaxSummaryLine[] {
  return taxSummary(rows.map((r) => ({ netMinor: r.netMinor, taxMinor: r.taxMinor, taxRatePercent: r.ratePercent })));
}

/** The series an invoice issued on `issueDate` belongs to: one gapless series per prefix and year. */
export function invoiceSeries(prefix: string, issueDate: string): string {
  return `${prefix}-${issueDate.slice(0, 4)}`;
}

/** `INV-2026` and 123 give `INV-2026-000123`. */
export function invoiceNumber(series: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new Error(`Invalid invoice sequence ${sequence}`);
  return `${series}-${String(sequence).padStart(6, '0')}`;
}

/**
 * The RF creditor reference printed on an invoice: the number's letters and digits (at most 21),
 * with ISO 11649 check digits, so a payer who quotes it identifies exactly this invoice.
 */
export function rfReferenceFor(number: string): string {
  const base = number.replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(-21);
  return createRfReference(base);
}

/**
 * The lines billed for a shipment: each shipped quantity at the order line's net unit price, with
 * its tax rounded per line. The shipment that completes an order line bills the rest of that
 * line's tax (the order line's tax minus what earlier shipments billed), so a line split over
 * several shipments never bills a cent more or less tax than the order showed.
 */
export function invoiceLinesFor(order: Pick<Order, 'lines' | 'shipments'>, shipment: Pick<Shipment, 'shipmentId' | 'lines'>): OrderLine[] {
  const index = order.shipments.findIndex((s) => s.shipmentId === shipment.shipmentId);
  const earlier = index >= 0 ? order.shipments.slice(0, index) : order.shipments;
  return shipment.lines.map((shipped) => {
    const line = order.lines.find((l) => l.lineNo === shipped.lineNo);
    if (!line) throw new Error(`The shipment names line ${shipped.lineNo}, which the order does not have`);
    const amountMinor = line.unitPriceMinor * shipped.quantity;
    let taxMinor = 0;
    if (line.taxRatePercent !== null) {
      const rate = line.taxRatePercent;
      const before = earlier.flatMap((s) => s.lines.filter((l) => l.lineNo === line.lineNo));
      const quantityBefore = before.reduce((a, l) => a + l.quantity, 0);
      const completesLine = quantityBefore + shipped.quantity >= line.quantity;
      taxMinor = completesLine
        ? line.taxMinor - before.reduce((a, l) => a + lineTax(line.unitPriceMinor * l.quantity, rate), 0)
        : lineTax(amountMinor, rate);
    }
    return { ...line, quantity: shipped.quantity, amountMinor, taxMinor, grossMinor: amountMinor + taxMinor };
  });
}

/** The id of the invoice for the n-th shipment of an order: deterministic, so a retried issue finds it. */
export function invoiceIdFor(orderId: string, shipmentIndex: number): string {
  return `${orderId}-I${shipmentIndex}`;
}

export interface IssueInvoiceInput {
  readonly invoiceId: string;
  readonly order: Order;
  /** The shipment billed; its lines become the invoice's lines. */
  readonly shipment: Shipment;
  readonly customer: Customer;
  readonly series: string;
  readonly sequence: number;
  readonly now: Date;
  readonly businessTimeZone: string;
}

/**
 * The invoice for a shipment of an order, and the journal it posts: receivables (gross) against
 * revenue (net) and tax payable (tax).
 */
export function issueInvoice(input: IssueInvoiceInput): { invoice: Invoice; journal: Journal } {
  const { order, customer, now, businessTimeZone } = input;
  const lines = invoiceLinesFor(order, input.shipment);
  const netTotalMinor = lines.reduce((a, l) => a + l.amountMinor, 0);
  // EN 16931: per VAT category and rate the nets summed, the VAT on the sum rounded once (BR-CO-17).
  const breakdown = vatBreakdown(lines.map((l) => ({ netMinor: l.amountMinor, vat: lineVatOf(l) })));
  const taxTotalMinor = breakdown.reduce((a, r) => a + r.taxMinor, 0);
  const totalMinor = netTotalMinor + taxTotalMinor;
  const issueDate = calendarDateIn(now, businessTimeZone);
  const dueDate = addCalendarDays(issueDate, customer.paymentTermsDays);
  const overdueAt = startOfDateIn(addCalendarDays(dueDate, 1), businessTimeZone).toISOString();
  const number = invoiceNumber(input.series, input.sequence);
  const at = now.toISOString();
  const total: Money = { minor: totalMinor, currency: order.currency };
  const ownerId = customer.registeredBy ?? order.ownerId;
  const buyer: InvoiceBuyer = {
    name: customer.name,
    email: customer.email,
    address: customer.address ?? null,
    vatId: customer.vatId ?? null,
    legalId: customer.legalId ?? null,
    buyerReference: customer.buyerReference ?? null,
    peppolId: customer.peppolId ?? null,
  };
  const shipment = input.shipment;
  const supply = shipment.deliveryPeriod
    ? { period: shipment.deliveryPeriod }
    : { date: shipment.deliveryDate ?? calendarDateIn(new Date(shipment.shippedAt), businessTimeZone) };
  const warnings = missingBuyerData(buyer);
  const invoice: Invoice = {
    ...(ownerId !== undefined ? { ownerId } : {}),
    invoiceId: input.invoiceId,
    number,
    series: input.series,
    sequence: input.sequence,
    rfReference: rfReferenceFor(number),
    orderId: order.orderId,
    customerId: customer.customerId,
    customerName: customer.name,
    currency: order.currency,
    shipmentId: input.shipment.shipmentId,
    lines,
    netTotalMinor,
    taxTotalMinor,
    taxes: taxesByRate(breakdown),
    vatBreakdown: breakdown,
    buyer,
    orderReference: order.externalRef,
    supply,
    warnings,
    totalMinor,
    paidMinor: 0,
    balanceMinor: totalMinor,
    status: 'OPEN',
    issueDate,
    dueDate,
    overdueAt,
    overdueSince: null,
    issuedAt: at,
    sentAt: null,
    emailMessageId: null,
    allocations: [],
    history: [{ status: 'OPEN', at, note: `issued as ${number}, due ${dueDate}` }],
    dunning: { level: 0, blockedUntil: null, history: [] },
    // The first day dunning may consider the invoice: the day after its due date.
    nextActionDate: addCalendarDays(dueDate, 1),
  };
  const posting = journal(`invoice-${input.invoiceId}`, 'InvoiceIssued', at, [
    { account: 'receivables', side: 'debit', amount: total, reference: input.invoiceId },
    { account: 'revenue', side: 'credit', amount: { minor: netTotalMinor, currency: order.currency }, reference: input.invoiceId },
    { account: 'tax-payable', side: 'credit', amount: { minor: taxTotalMinor, currency: order.currency }, reference: input.invoiceId },
  ]);
  return { invoice, journal: posting };
}

/** The status that follows from the balance and whether the due date has passed. */
export function derivedStatus(invoice: Pick<Invoice, 'balanceMinor' | 'paidMinor' | 'overdueSince' | 'status'>): InvoiceStatus {
  if (invoice.status === 'WRITTEN_OFF' || invoice.status === 'CREDITED' || invoice.status === 'DISPUTED') return invoice.status;
  if (invoice.balanceMinor === 0) return 'PAID';
  if (invoice.overdueSince) return 'OVERDUE';
  if (invoice.paidMinor > 0) return 'PARTIALLY_PAID';
  return 'OPEN';
}

/** True while the invoice still has money to collect. */
export function isOpen(invoice: Pick<Invoice, 'balanceMinor' | 'status'>): boolean {
  return invoice.balanceMinor > 0 && invoice.status !== 'WRITTEN_OFF' && invoice.status !== 'CREDITED';
}

/** The invoice as the API shows it. */
export function invoiceView(invoice: Invoice) {
  const m = (minor: number) => formatAmount({ minor, currency: invoice.currency });
  return {
    invoiceId: invoice.invoiceId,
    number: invoice.number,
    rfReference: invoice.rfReference,
    orderId: invoice.orderId,
    source: invoice.source ?? 'order',
    customerId: invoice.customerId,
    customerName: invoice.customerName,
    currency: invoice.currency,
    shipmentId: invoice.shipmentId ?? null,
    lines: invoice.lines.map((l) => ({
      lineNo: l.lineNo,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: m(l.unitPriceMinor),
      amount: m(l.amountMinor),
      taxRate: l.taxRatePercent ?? null,
      vatCategory: lineVatOf(l)?.vatCategory ?? null,
      tax: m(l.taxMinor ?? 0),
    })),
    netTotal: m(invoice.netTotalMinor ?? invoice.totalMinor),
    taxTotal: m(invoice.taxTotalMinor ?? 0),
    taxes: (invoice.taxes ?? []).map((t) => ({ rate: t.ratePercent, net: m(t.netMinor), tax: m(t.taxMinor) })),
    vatBreakdown: (invoice.vatBreakdown ?? []).map((r) => ({
      vatCategory: r.vatCategory,
      rate: r.ratePercent,
      net: m(r.netMinor),
      tax: m(r.taxMinor),
      exemptionReason: r.exemptionReason,
      exemptionCode: r.exemptionCode,
    })),
    buyer: invoice.buyer ?? null,
    orderReference: invoice.orderReference ?? null,
    supply: invoice.supply ?? null,
    warnings: invoice.source === 'import' || invoice.source === 'dunning-charges' ? (invoice.warnings ?? []) : (invoice.warnings ?? missingBuyerData(invoice.buyer)),
    total: m(invoice.totalMinor),
    paid: m(invoice.paidMinor),
    balance: m(invoice.balanceMinor),
    status: invoice.status,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    issuedAt: invoice.issuedAt,
    sentAt: invoice.sentAt,
    overdueSince: invoice.overdueSince,
    dunning: invoice.dunning,
    allocations: invoice.allocations.map((a) => ({ paymentId: a.paymentId, amount: m(a.amountMinor), at: a.at })),
    history: invoice.history,
    directDebit: invoice.directDebit
      ? {
          status: invoice.directDebit.status,
          fileId: invoice.directDebit.fileId,
          endToEndId: invoice.directDebit.endToEndId,
          mandateId: invoice.directDebit.mandateId,
          sequence: invoice.directDebit.sequence,
          collectionDate: invoice.directDebit.collectionDate,
          amount: m(invoice.directDebit.amountMinor),
          returnReason: invoice.directDebit.returnReason ?? null,
        }
      : null,
  };
}
