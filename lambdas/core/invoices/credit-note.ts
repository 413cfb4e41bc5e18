/**
 * Credit notes: documents of their own (EN 16931 type 381) that correct an invoice, with their own
 * gapless number series (`CN-2026-000001`), the preceding invoice's reference, their own lines and
 * VAT breakdown (BR-CO-17). A credit note for the whole invoice, for some of its lines (sku and
 * quantity), or for an amount with a reason (split over the invoice's VAT categories in their
 * proportion). Its money moves through the one credit transition ({@link creditInvoice}): revenue
 * and tax payable reversed by the credit note's own net and VAT, receivables credited, and, when
 * the invoice was paid, the rest kept as the customer's on-account credit.
 */
import * as z from 'zod';
import { ValidationError, type FieldProblem } from '../errors';
import { allocate, formatAmount, money } from '../money/money';
import { decimalIn, decimalString, freeText, parseWith, singleLineText } from '../validation';
import { journal, type Journal } from '../ledger/ledger';
import { lineTax, rateBasisPoints } from '../tax/tax';
import { vatBreakdown, type VatBreakdownRow } from '../tax/vat';
import { lineVatOf, type OrderLine } from '../orders/order';
import { calendarDateIn } from '../time/clock';
import { invoiceNumber, type Invoice } from './invoice';
import { creditInvoice } from './transitions';

export interface CreditNote {
  readonly creditNoteId: string;
  readonly number: string;
  readonly series: string;
  readonly sequence: number;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly ownerId?: string;
  readonly currency: string;
  readonly reason: string;
  readonly lines: readonly OrderLine[];
  readonly vatBreakdown: readonly VatBreakdownRow[];
  readonly netTotalMinor: number;
  readonly taxTotalMinor: number;
  readonly totalMinor: number;
  /** Of the total: what reduced the invoice's balance, and what became on-account credit. */
  readonly appliedToInvoiceMinor: number;
  readonly onAccountMinor: number;
  readonly issueDate: string;
  readonly issuedAt: string;
}

export const creditNoteRequest = z.strictObject({
  reason: freeText(500),
  lines: z
    .array(z.strictObject({ sku: singleLineText(64), quantity: z.number().int('must be a whole number').positive('must be greater than zero') }))
    .min(1, 'must contain at least one line when given')
    .max(500)
    .optional(),
  amount: decimalString.optional(),
});
export type CreditNoteRequest = z.infer<typeof creditNoteRequest>;

/** The series of credit notes issued on `issueDate`: one gapless series per year (`CN-2026`). */
export function creditNoteSeries(issueDate: string, prefix = 'CN'): string {
  return `${prefix}-${issueDate.slice(0, 4)}`;
}

/** Quantity of each invoice line (by line number) credited by earlier credit notes. */
function creditedQuantities(previous: readonly CreditNote[]): Map<number, number> {
  const credited = new Map<number, number>();
  for (const note of previous) for (const line of note.lines) if (line.sku !== CREDIT_SKU) credited.set(line.lineNo, (credited.get(line.lineNo) ?? 0) + line.quantity);
  return credited;
}

/** The item of an amount credit's lines. */
const CREDIT_SKU = 'CREDIT';

function lineFor(line: OrderLine, quantity: number): OrderLine {
  const amountMinor = line.unitPriceMinor * quantity;
  const vat = lineVatOf(line);
  const taxMinor = vat?.vatCategory === 'S' ? lineTax(amountMinor, vat.taxRatePercent) : 0;
  return { ...line, quantity, amountMinor, taxMinor, grossMinor: amountMinor + taxMinor };
}

/** The net whose VAT at `ratePercent` (rounded once) makes `grossMinor`, or null when no net does. */
function netForGross(grossMinor: number, ratePercent: string, category: string): number | null {
  if (category !== 'S') return grossMinor;
  const bp = rateBasisPoints(ratePercent);
  const estimate = Math.round((grossMinor * 10_000) / (10_000 + bp));
  for (const net of [estimate, estimate - 1, estimate + 1, estimate - 2, estimate + 2]) if (net >= 0 && net + lineTax(net, ratePercent) === grossMinor) return net;
  return null;
}

/**
 * The credit note's lines: the invoice's lines not yet credited (whole invoice), those named
 * (sku and quantity, at most what is left of each), or for an amount one line per VAT category
 * and rate of the invoice, the gross split in their proportion.
 *
 * @throws ValidationError naming `lines[i].sku`, `lines[i].quantity`, `amount` or `lines`.
 */
/** The invoice's VAT breakdown: recorded at issue, or computed from its lines (none when its lines carry no VAT facts). */
function vatRowsOf(invoice: Invoice) {
  return invoice.vatBreakdown ?? vatBreakdown(invoice.lines.map((l) => ({ netMinor: l.amountMinor, vat: lineVatOf(l) })));
}

/**
 * Whether an amount can be credited on the invoice as a credit note document: it needs the VAT
 * facts to split the amount by rate (invoices whose lines carry no VAT facts, such as those of
 * clients that never sent a tax rate, are credited on the invoice as before).
 */
export function canCreditAnAmount(invoice: Invoice): boolean {
  return invoice.lines.length > 0 && vatRowsOf(invoice).length > 0;
}

export function creditNoteLines(invoice: Invoice, request: CreditNoteRequest, previous: readonly CreditNote[]): OrderLine[] {
  if (request.lines && request.amount !== undefined) throw ValidationError.of('amount', 'must not be given together with lines: credit lines or an amount');
  const credited = creditedQuantities(previous);
  const left = (line: OrderLine) => line.quantity - (credited.get(line.lineNo) ?? 0);
  const alreadyMinor = previous.reduce((a, n) => a + n.totalMinor, 0);
  if (request.amount !== undefined) {
    const amountMinor = decimalIn('amount', request.amount, invoice.currency, { allowZero: false });
    const rest = invoice.totalMinor - alreadyMinor;
    if (amountMinor > rest) throw ValidationError.of('amount', `must be at most ${formatAmount(money(rest, invoice.currency))}, what earlier credit notes left of the invoice total`);
    const rows = vatRowsOf(invoice);
    if (rows.length === 0) throw ValidationError.of('amount', `invoice ${invoice.number} has no VAT facts to credit an amount against; credit its lines`);
    const parts = allocate(money(amountMinor, invoice.currency), rows.map((r) => r.netMinor + r.taxMinor));
    return rows.map((row, index) => {
      const gross = parts[index]!.minor;
      const net = netForGross(gross, row.ratePercent, row.vatCategory);
      if (net === null) {
        throw ValidationError.of('amount', `${formatAmount(money(gross, invoice.currency))} of it at ${row.ratePercent} % VAT is no net amount plus its VAT; credit ${formatAmount(money(gross + 1, invoice.currency))} or ${formatAmount(money(gross - 1, invoice.currency))}`);
      }
      return {
        lineNo: index + 1,
        sku: CREDIT_SKU,
        quantity: 1,
        unitPriceMinor: net,
        amountMinor: net,
        taxRatePercent: row.ratePercent,
        taxMinor: gross - net,
        grossMinor: gross,
        vatCategory: row.vatCategory,
        exemptionReason: row.exemptionReason,
        exemptionCode: row.exemptionCode,
      };
    });
  }
  if (!request.lines) {
    const lines = invoice.lines.filter((l) => left(l) > 0).map((l) => lineFor(l, left(l)));
    if (lines.length === 0) throw ValidationError.of('lines', `every line of invoice ${invoice.number} is credited already`);
    if (alreadyMinor > 0 && previous.some((n) => n.lines.some((l) => l.sku === CREDIT_SKU))) {
      throw ValidationError.of('lines', `invoice ${invoice.number} has an amount credited already: name the lines or the amount to credit`);
    }
    return lines;
  }
  const problems: FieldProblem[] = [];
  const taken = new Map<number, number>();
  const lines: OrderLine[] = [];
  request.lines.forEach((requested, index) => {
    const matches = invoice.lines.filter((l) => l.sku === requested.sku);
    if (matches.length === 0) return problems.push({ field: `lines[${index}].sku`, problem: `invoice ${invoice.number} has no line ${requested.sku}` });
    const line = matches.find((l) => left(l) - (taken.get(l.lineNo) ?? 0) >= requested.quantity) ?? matches[0]!;
    const available = left(line) - (taken.get(line.lineNo) ?? 0);
    if (requested.quantity > available) return problems.push({ field: `lines[${index}].quantity`, problem: `must be at most ${available}, the quantity of ${requested.sku} not yet credited` });
    taken.set(line.lineNo, (taken.get(line.lineNo) ?? 0) + requested.quantity);
    lines.push(lineFor(line, requested.quantity));
    return undefined;
  });
  if (problems.length) throw new ValidationError(problems);
  return lines;
}

export interface IssueCreditNoteInput {
  readonly creditNoteId: string;
  readonly invoice: Invoice;
  readonly body: unknown;
  /** Credit notes issued for the invoice before. */
  readonly previous: readonly CreditNote[];
  readonly series: string;
  readonly sequence: number;
  readonly now: Date;
  readonly businessTimeZone: string;
}

/**
 * The credit note, the invoice after the credit and the balanced journal, through the one credit
 * transition. The credit note's total is its net plus the VAT of its breakdown (BR-CO-17).
 */
export function issueCreditNote(input: IssueCreditNoteInput): { creditNote: CreditNote; invoice: Invoice; journal: Journal; onAccountMinor: number } {
  const { invoice, now } = input;
  if (invoice.source === 'import' || invoice.source === 'dunning-charges' || invoice.lines.length === 0) {
    throw ValidationError.of('invoiceId', `${invoice.number} is ${invoice.source === 'dunning-charges' ? 'a dunning charges item' : 'an imported open item'} without lines; credit it with a dispute resolution`);
  }
  const request = parseWith(creditNoteRequest, input.body);
  const lines = creditNoteLines(invoice, request, input.previous);
  const rows = vatBreakdown(lines.map((l) => ({ netMinor: l.amountMinor, vat: lineVatOf(l) })));
  const netTotalMinor = lines.reduce((a, l) => a + l.amountMinor, 0);
  // An amount credit's lines carry the exact split; line credits round VAT once per row.
  const amountCredit = request.amount !== undefined;
  const taxTotalMinor = amountCredit ? lines.reduce((a, l) => a + l.taxMinor, 0) : rows.reduce((a, r) => a + r.taxMinor, 0);
  const totalMinor = netTotalMinor + taxTotalMinor;
  const number = invoiceNumber(input.series, input.sequence);
  const at = now.toISOString();
  const transition = creditInvoice(invoice, {
    amountMinor: totalMinor,
    at,
    note: `credit note ${number}: ${formatAmount(money(totalMinor, invoice.currency))} (${request.reason})`,
    split: { netMinor: netTotalMinor, taxMinor: taxTotalMinor },
    restToCustomerCredit: true,
  });
  const creditNote: CreditNote = {
    creditNoteId: input.creditNoteId,
    number,
    series: input.series,
    sequence: input.sequence,
    invoiceId: invoice.invoiceId,
    invoiceNumber: invoice.number,
    customerId: invoice.customerId,
    ...(invoice.ownerId !== undefined ? { ownerId: invoice.ownerId } : {}),
    currency: invoice.currency,
    reason: request.reason,
    lines,
    vatBreakdown: amountCredit ? rows.map((r) => ({ ...r, taxMinor: lines.filter((l) => l.vatCategory === r.vatCategory && l.taxRatePercent === r.ratePercent).reduce((a, l) => a + l.taxMinor, 0) })) : rows,
    netTotalMinor,
    taxTotalMinor,
    totalMinor,
    appliedToInvoiceMinor: totalMinor - transition.onAccountMinor,
    onAccountMinor: transition.onAccountMinor,
    issueDate: calendarDateIn(now, input.businessTimeZone),
    issuedAt: at,
  };
  return {
    creditNote,
    invoice: transition.invoice,
    journal: journal(`credit-note-${input.creditNoteId}`, 'CreditNoteIssued', at, transition.journalLines),
    onAccountMinor: transition.onAccountMinor,
  };
}
