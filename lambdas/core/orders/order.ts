/**
 * Orders: what a storefront sold, and where it stands in its lifecycle. The order lifecycle state
 * machine drives the status; this module holds the rules every step relies on.
 */
import * as z from 'zod';
import { ConflictError, ValidationError } from '../errors';
import { formatAmount } from '../money/money';
import { calendarDate, currencyCode, decimalIn, decimalString, identifier, instant, parseWith, singleLineText } from '../validation';
import type { Customer } from '../customers/customer';
import { lineTax } from '../tax/tax';
import { documentVatProblems, lineVatFrom, vatBreakdown, VAT_CATEGORIES, type LineVat, type VatCategory } from '../tax/vat';
import type { FieldProblem } from '../errors';

export type OrderStatus =
  | 'RECEIVED'
  | 'CREDIT_HOLD'
  | 'AWAITING_SHIPMENT'
  | 'PARTIALLY_SHIPPED'
  | 'INVOICED'
  | 'COMPLETED'
  | 'REJECTED'
  | 'CANCELLED';

export interface OrderLine {
  readonly lineNo: number;
  readonly sku: string;
  readonly quantity: number;
  /** Net unit price. */
  readonly unitPriceMinor: number;
  /** Net amount: quantity x unit price. */
  readonly amountMinor: number;
  /** Decimal percent ("19"), or null for a line without tax. */
  readonly taxRatePercent: string | null;
  /** Tax of the line, rounded per line (see `../tax/tax.ts`). */
  readonly taxMinor: number;
  readonly grossMinor: number;
  /** VAT category (absent on lines stored before categories: S, or Z at rate 0; see {@link lineVatOf}). */
  readonly vatCategory?: VatCategory | null;
  readonly exemptionReason?: string | null;
  readonly exemptionCode?: string | null;
}

/** The line's VAT facts: as stored, or for a line stored before categories, S (Z at rate 0); null for a line without tax. */
export function lineVatOf(line: Pick<OrderLine, 'taxRatePercent' | 'vatCategory' | 'exemptionReason' | 'exemptionCode'>): LineVat | null {
  if (line.vatCategory) {
    return { vatCategory: line.vatCategory, taxRatePercent: line.taxRatePercent ?? '0', exemptionReason: line.exemptionReason ?? null, exemptionCode: line.exemptionCode ?? null };
  }
  if (line.taxRatePercent === null) return null;
  return { vatCategory: line.taxRatePercent === '0' ? 'Z' : 'S', taxRatePercent: line.taxRatePercent, exemptionReason: null, exemptionCode: null };
}

/** The date or period of supply of a shipment (EN 16931 BT-72, or BG-14 for a period). */
export interface SupplyDate {
  readonly deliveryDate?: string;
  readonly deliveryPeriod?: { readonly from: string; readonly to: string };
}

export interface ShipmentLine {
  readonly lineNo: number;
  readonly sku: string;
  readonly quantity: number;
}

export interface StatusChange {
  readonly status: string;
  readonly at: string;
  readonly note?: string;
}

export interface Shipment {
  readonly shipmentId: string;
  readonly shippedAt: string;
  readonly carrier: string | null;
  readonly trackingNumber: string | null;
  readonly reportedAt: string;
  readonly lines: readonly ShipmentLine[];
  /** The invoice issued for this shipment; null until it is issued. */
  readonly invoiceId: string | null;
  /** From the Idempotency-Key of the request that reported it: a retry of that request finds it. */
  readonly requestId?: string;
  /** Date of supply as the storefront reported it (absent: the calendar date of `shippedAt`). */
  readonly deliveryDate?: string;
  readonly deliveryPeriod?: { readonly from: string; readonly to: string };
}

export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly externalRef: string | null;
  readonly lines: readonly OrderLine[];
  readonly netTotalMinor: number;
  readonly taxTotalMinor: number;
  /** Gross total: what the customer owes for the whole order. */
  readonly totalMinor: number;
  readonly status: OrderStatus;
  readonly history: readonly StatusChange[];
  readonly invoiceIds: readonly string[];
  readonly shipments: readonly Shipment[];
  readonly executionName: string;
  /** Shipments reported and not yet invoiced. */
  readonly pendingShipments: number;
  /** Invoices issued and not yet settled. */
  readonly openInvoiceCount: number;
  /** The customer's credit this order reserved when it was approved (released as it is invoiced, or when it is cancelled). */
  readonly creditReservedMinor?: number;
  /** Gross amount invoiced so far (the rest counts in the customer's exposure until invoiced). */
  readonly invoicedMinor: number;
  /** Optimistic concurrency: bumped by every change of the shipments. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * The owner: the client that registered the order's customer (its `registeredBy`), kept on the
   * order so that a storefront's orders are read from the `byOwner` index. Absent on orders of
   * customers without an owner.
   */
  readonly ownerId?: string;
}

const MAX_LINES = 500;

export const placeOrderRequest = z.strictObject({
  customerId: identifier,
  currency: currencyCode,
  lines: z
    .array(
      z.strictObject({
        sku: singleLineText(64),
        quantity: z.number().int('must be a whole number').positive('must be greater than zero').max(1_000_000, 'must be at most 1000000'),
        unitPrice: decimalString,
        taxRate: z.string().regex(/^\d{1,3}(\.\d{1,2})?$/, { message: 'must be a decimal percent from 0 to 100 such as "19" or "7.5"' }).optional(),
        vatCategory: z.enum(VAT_CATEGORIES, { message: `must be one of ${VAT_CATEGORIES.join(', ')}` }).optional(),
        exemptionReason: singleLineText(300).optional(),
        exemptionCode: z.string().regex(/^VATEX-[A-Za-z]{2}(-[A-Za-z0-9]+)+$/, { message: 'must be a VATEX code such as VATEX-EU-132-1I or VATEX-EU-AE' }).optional(),
      }),
    )
    .min(1, 'must contain at least one line')
    .max(MAX_LINES, `must contain at most ${MAX_LINES} lines`),
  externalRef: singleLineText(100).optional(),
});

export type PlaceOrderRequest = z.infer<typeof placeOrderRequest>;

/** Validates the request shape (customer existence is checked by {@link newOrder}). */
export function parsePlaceOrder(body: unknown): PlaceOrderRequest {
  return parseWith(placeOrderRequest, body);
}

/**
 * A new order for `customer`, or a ValidationError naming each field in trouble: the currency must
 * be the customer's, prices must have at most the currency's decimals, amounts must stay exact.
 */
export function newOrder(orderId: string, request: PlaceOrderRequest, customer: Customer, now: Date, seller: { readonly vatId: string | null } = { vatId: null }): Order {
  const problems: FieldProblem[] = [];
  const parties = { sellerVatId: seller.vatId || null, buyerVatId: customer.vatId ?? null, buyerCountry: customer.address?.country ?? null };
  if (request.currency !== customer.currency) {
    problems.push({ field: 'currency', problem: `must be the customer's currency ${customer.currency}` });
  }
  const lines: OrderLine[] = [];
  request.lines.forEach((line, index) => {
    try {
      const unitPriceMinor = decimalIn(`lines[${index}].unitPrice`, line.unitPrice, request.currency);
      const amountMinor = unitPriceMinor * line.quantity;
      if (!Number.isSafeInteger(amountMinor)) {
        problems.push({ field: `lines[${index}]`, problem: 'quantity times unit price is too large' });
        return;
      }
      const { vat, problems: vatProblems } = lineVatFrom(`lines[${index}]`, line, parties);
      if (vatProblems.length > 0) {
        problems.push(...vatProblems);
        return;
      }
      const taxRatePercent = vat?.taxRatePercent ?? null;
      const taxMinor = vat?.vatCategory === 'S' ? lineTax(amountMinor, vat.taxRatePercent) : 0;
      lines.push({
        lineNo: index + 1,
        sku: line.sku,
        quantity: line.quantity,
        unitPriceMinor,
        amountMinor,
        taxRatePercent,
        taxMinor,
        grossMinor: amountMinor + taxMinor,
        ...(vat ? { vatCategory: vat.vatCategory, exemptionReason: vat.exemptionReason, exemptionCode: vat.exemptionCode } : {}),
      });
    } catch (error) {
      if (error instanceof ValidationError) problems.push(...error.problems);
      else throw error;
    }
  });
  problems.push(...documentVatProblems(lines.map((l) => l.vatCategory ?? null)));
  if (problems.length > 0) throw new ValidationError(problems);
  const netTotalMinor = lines.reduce((a, l) => a + l.amountMinor, 0);
  // EN 16931 BR-CO-17: VAT per category and rate on the summed nets, rounded once.
  const taxTotalMinor = vatBreakdown(lines.map((l) => ({ netMinor: l.amountMinor, vat: lineVatOf(l) }))).reduce((a, r) => a + r.taxMinor, 0);
  const totalMinor = netTotalMinor + taxTotalMinor;
  if (!Number.isSafeInteger(totalMinor)) throw ValidationError.of('lines', 'the order total is too large');
  const at = now.toISOString();
  return {
    ...(customer.registeredBy !== undefined ? { ownerId: customer.registeredBy } : {}),
    orderId,
    customerId: customer.customerId,
    currency: request.currency,
    externalRef: request.externalRef ?? null,
    lines,
    netTotalMinor,
    taxTotalMinor,
    totalMinor,
    status: 'RECEIVED',
    history: [{ status: 'RECEIVED', at }],
    invoiceIds: [],
    shipments: [],
    executionName: orderExecutionName(orderId),
    pendingShipments: 0,
    openInvoiceCount: 0,
    invoicedMinor: 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** The name of the order's lifecycle execution: one per order, so a retried start never runs twice. */
export function orderExecutionName(orderId: string): string {
  return `order-${orderId}`;
}

export const reportShipmentRequest = z.strictObject({
  shipmentId: identifier.optional(),
  shippedAt: instant.optional(),
  carrier: singleLineText(64).optional(),
  trackingNumber: singleLineText(64).optional(),
  /** The date of supply (EN 16931 BT-72); absent: the calendar date of `shippedAt`. */
  deliveryDate: calendarDate.optional(),
  /** A period of supply instead of a date (BG-14). */
  deliveryPeriod: z
    .strictObject({ from: calendarDate, to: calendarDate })
    .refine((p) => p.from <= p.to, { message: 'must end (to) on or after its start (from)', path: ['to'] })
    .optional(),
  lines: z
    .array(
      z.strictObject({
        lineNo: z.number().int('must be a whole number').positive('must be greater than zero').optional(),
        sku: singleLineText(64).optional(),
        quantity: z.number().int('must be a whole number').positive('must be greater than zero'),
      }),
    )
    .min(1, 'must contain at least one line when given')
    .max(MAX_LINES)
    .optional(),
});

/** A shipment is accepted only once the credit check approved the order (never while RECEIVED or on credit hold). */
export const SHIPPABLE: readonly OrderStatus[] = ['AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED'];

/** Quantity of each order line shipped so far. */
export function shippedQuantities(order: Pick<Order, 'lines' | 'shipments'>): Map<number, number> {
  const shipped = new Map(order.lines.map((l) => [l.lineNo, 0]));
  for (const shipment of order.shipments) {
    for (const line of shipment.lines) shipped.set(line.lineNo, (shipped.get(line.lineNo) ?? 0) + line.quantity);
  }
  return shipped;
}

/** True when every line has shipped in full. */
export function isFullyShipped(order: Pick<Order, 'lines' | 'shipments'>): boolean {
  const shipped = shippedQuantities(order);
  return order.lines.every((l) => (shipped.get(l.lineNo) ?? 0) >= l.quantity);
}

/**
 * The shipment a storefront reports, checked against the order: the order must be shippable
 * (credit approved, not cancelled or complete); lines name order lines by `lineNo` or `sku` with a
 * quantity no larger than what remains to ship; without lines, everything that remains ships. A
 * second report of the same shipment id is a no-op.
 */
export function shipmentFor(order: Order, body: unknown, now: Date, requestId?: string): { shipment: Shipment; alreadyReported: boolean } {
  const request = parseWith(reportShipmentRequest, body ?? {});
  if (request.deliveryDate !== undefined && request.deliveryPeriod !== undefined) {
    throw ValidationError.of('deliveryPeriod', 'must not be given together with deliveryDate: a shipment has a date or a period of supply');
  }
  const shipmentId = request.shipmentId ?? `${order.orderId}-S${order.shipments.length + 1}`;
  const existing = order.shipments.find((s) => s.shipmentId === shipmentId || (requestId !== undefined && s.requestId === requestId));
  if (existing) return { shipment: existing, alreadyReported: true };
  if (!SHIPPABLE.includes(order.status) || isFullyShipped(order)) {
    const why =
      order.status === 'RECEIVED' || order.status === 'CREDIT_HOLD'
        ? `: a shipment is accepted once the credit check has approved the order`
        : isFullyShipped(order)
          ? ' and fully shipped and cannot take a shipment'
          : ' and cannot take a shipment';
    throw new ConflictError(`Order ${order.orderId} is ${order.status}${why}`, 'ORDER_NOT_SHIPPABLE');
  }
  const shipped = shippedQuantities(order);
  const remaining = (line: OrderLine) => line.quantity - (shipped.get(line.lineNo) ?? 0);
  let lines: ShipmentLine[];
  if (!request.lines) {
    lines = order.lines.filter((l) => remaining(l) > 0).map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: remaining(l) }));
  } else {
    const problems: { field: string; problem: string }[] = [];
    const taken = new Map<number, number>();
    lines = [];
    request.lines.forEach((requested, index) => {
      const field = `lines[${index}]`;
      const matches = order.lines.filter((l) => (requested.lineNo === undefined || l.lineNo === requested.lineNo) && (requested.sku === undefined || l.sku === requested.sku));
      if (requested.lineNo === undefined && requested.sku === undefined) return problems.push({ field, problem: 'must name the order line by lineNo or sku' });
      const line = matches.find((l) => remaining(l) - (taken.get(l.lineNo) ?? 0) > 0) ?? matches[0];
      if (!line) return problems.push({ field, problem: `the order has no line ${requested.lineNo ?? requested.sku}` });
      const left = remaining(line) - (taken.get(line.lineNo) ?? 0);
      if (requested.quantity > left) return problems.push({ field: `${field}.quantity`, problem: `must be at most ${left}, the quantity of line ${line.lineNo} not yet shipped` });
      taken.set(line.lineNo, (taken.get(line.lineNo) ?? 0) + requested.quantity);
      lines.push({ lineNo: line.lineNo, sku: line.sku, quantity: requested.quantity });
      return undefined;
    });
    if (problems.length) throw new ValidationError(problems);
  }
  return {
    shipment: {
      shipmentId,
      shippedAt: request.shippedAt ? new Date(request.shippedAt).toISOString() : now.toISOString(),
      carrier: request.carrier ?? null,
      trackingNumber: request.trackingNumber ?? null,
      reportedAt: now.toISOString(),
      lines,
      invoiceId: null,
      ...(requestId ? { requestId } : {}),
      ...(request.deliveryDate ? { deliveryDate: request.deliveryDate } : {}),
      ...(request.deliveryPeriod ? { deliveryPeriod: request.deliveryPeriod } : {}),
    },
    alreadyReported: false,
  };
}

const CANCELLABLE: readonly OrderStatus[] = ['RECEIVED', 'CREDIT_HOLD', 'AWAITING_SHIPMENT'];

/** Refuses to cancel an order once anything of it has shipped or been invoiced (or it has ended). */
export function assertCancellable(order: Order): void {
  if (!CANCELLABLE.includes(order.status) || order.invoiceIds.length > 0 || order.shipments.length > 0) {
    throw new ConflictError(`Order ${order.orderId} is ${order.status} and can no longer be cancelled`, 'ORDER_NOT_CANCELLABLE');
  }
}

/** The order as the API shows it. */
export function orderView(order: Order) {
  const m = (minor: number) => formatAmount({ minor, currency: order.currency });
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    currency: order.currency,
    externalRef: order.externalRef,
    status: order.status,
    lines: order.lines.map((l) => ({
      lineNo: l.lineNo,
      sku: l.sku,
      quantity: l.quantity,
      shippedQuantity: shippedQuantities(order).get(l.lineNo) ?? 0,
      unitPrice: m(l.unitPriceMinor),
      amount: m(l.amountMinor),
      taxRate: l.taxRatePercent,
      vatCategory: lineVatOf(l)?.vatCategory ?? null,
      exemptionReason: l.exemptionReason ?? null,
      exemptionCode: l.exemptionCode ?? null,
      tax: m(l.taxMinor),
      gross: m(l.grossMinor),
    })),
    netTotal: m(order.netTotalMinor),
    taxTotal: m(order.taxTotalMinor),
    total: m(order.totalMinor),
    invoiceId: order.invoiceIds[0] ?? null,
    invoiceIds: order.invoiceIds,
    shipments: order.shipments.map(({ requestId: _requestId, ...shipment }) => shipment),
    history: order.history,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
