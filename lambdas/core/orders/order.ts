/**
 * Orders: what a storefront sold, and where it stands in its lifecycle. The order lifecycle state
 * machine drives the status; this module holds the rules every step relies on.
 */
import { z } from 'zod';
import { ConflictError, ValidationError } from '../errors';
import { formatAmount } from '../money/money';
import { currencyCode, decimalIn, decimalString, identifier, instant, parseWith } from '../validation';
import type { Customer } from '../customers/customer';

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
  readonly unitPriceMinor: number;
  readonly amountMinor: number;
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
}

export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly externalRef: string | null;
  readonly lines: readonly OrderLine[];
  readonly totalMinor: number;
  readonly status: OrderStatus;
  readonly history: readonly StatusChange[];
  readonly invoiceIds: readonly string[];
  readonly shipments: readonly Shipment[];
  readonly executionName: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const MAX_LINES = 500;

export const placeOrderRequest = z.strictObject({
  customerId: identifier,
  currency: currencyCode,
  lines: z
    .array(
      z.strictObject({
        sku: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
        quantity: z.number().int('must be a whole number').positive('must be greater than zero').max(1_000_000, 'must be at most 1000000'),
        unitPrice: decimalString,
      }),
    )
    .min(1, 'must contain at least one line')
    .max(MAX_LINES, `must contain at most ${MAX_LINES} lines`),
  externalRef: z.string().trim().min(1).max(100, 'must be at most 100 characters').optional(),
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
export function newOrder(orderId: string, request: PlaceOrderRequest, customer: Customer, now: Date): Order {
  const problems: { field: string; problem: string }[] = [];
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
      lines.push({ lineNo: index + 1, sku: line.sku, quantity: line.quantity, unitPriceMinor, amountMinor });
    } catch (error) {
      if (error instanceof ValidationError) problems.push(...error.problems);
      else throw error;
    }
  });
  if (problems.length > 0) throw new ValidationError(problems);
  const totalMinor = lines.reduce((a, l) => a + l.amountMinor, 0);
  if (!Number.isSafeInteger(totalMinor)) throw ValidationError.of('lines', 'the order total is too large');
  const at = now.toISOString();
  return {
    orderId,
    customerId: customer.customerId,
    currency: request.currency,
    externalRef: request.externalRef ?? null,
    lines,
    totalMinor,
    status: 'RECEIVED',
    history: [{ status: 'RECEIVED', at }],
    invoiceIds: [],
    shipments: [],
    executionName: orderExecutionName(orderId),
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
  carrier: z.string().trim().min(1).max(64).optional(),
  trackingNumber: z.string().trim().min(1).max(64).optional(),
});

const SHIPPABLE: readonly OrderStatus[] = ['RECEIVED', 'AWAITING_SHIPMENT'];

/**
 * The shipment a storefront reports, checked against the order: only an order that is waiting for
 * its shipment (or not yet there) can ship; a second report of the same shipment id is a no-op.
 */
export function shipmentFor(order: Order, body: unknown, now: Date): { shipment: Shipment; alreadyReported: boolean } {
  const request = parseWith(reportShipmentRequest, body ?? {});
  const shipmentId = request.shipmentId ?? `${order.orderId}-S1`;
  const existing = order.shipments.find((s) => s.shipmentId === shipmentId);
  if (existing) return { shipment: existing, alreadyReported: true };
  if (!SHIPPABLE.includes(order.status) || order.shipments.length > 0) {
    throw new ConflictError(`Order ${order.orderId} is ${order.status} and cannot take a shipment`, 'ORDER_NOT_SHIPPABLE');
  }
  return {
    shipment: {
      shipmentId,
      shippedAt: request.shippedAt ? new Date(request.shippedAt).toISOString() : now.toISOString(),
      carrier: request.carrier ?? null,
      trackingNumber: request.trackingNumber ?? null,
      reportedAt: now.toISOString(),
    },
    alreadyReported: false,
  };
}

const CANCELLABLE: readonly OrderStatus[] = ['RECEIVED', 'CREDIT_HOLD', 'AWAITING_SHIPMENT'];

/** Refuses to cancel an order once it has been invoiced (or has ended). */
export function assertCancellable(order: Order): void {
  if (!CANCELLABLE.includes(order.status) || order.invoiceIds.length > 0) {
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
    lines: order.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity, unitPrice: m(l.unitPriceMinor), amount: m(l.amountMinor) })),
    total: m(order.totalMinor),
    invoiceId: order.invoiceIds[0] ?? null,
    invoiceIds: order.invoiceIds,
    shipments: order.shipments,
    history: order.history,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
