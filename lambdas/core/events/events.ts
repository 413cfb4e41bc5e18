/**
 * The domain events each change reports, built from the change itself (pure functions). They are
 * written in the same DynamoDB transaction as the change (the outbox, `adapters/dynamodb/outbox.ts`)
 * and forwarded from there to the event bus.
 *
 * An event's id is derived from its type and the change it reports (a UUID made of a SHA-256), so
 * the same change written again by a retried attempt carries the same id, and consumers drop the
 * duplicates by it.
 */
import { createHash } from 'node:crypto';
import { formatAmount } from '../money/money';
import type { Invoice } from '../invoices/invoice';
import type { Order, Shipment } from '../orders/order';
import type { Posting } from '../posting/posting';
import type { DomainEvent, EventOf, EventType } from './catalogue';

/** The id of the event of `type` that reports the change named `key` (the same for every attempt). */
export function eventIdFor(type: EventType, key: string): string {
  const hex = createHash('sha256').update(`${type}|${key}`).digest('hex');
  // A version-8 (custom) UUID with the RFC 9562 variant bits.
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const amount = (minor: number, currency: string) => formatAmount({ minor, currency });

function event<T extends EventType>(type: T, key: string, occurredAt: string, scope: { customerId: string | null; ownerId?: string | null | undefined }, data: EventOf<T>['data']): EventOf<T> {
  return { eventId: eventIdFor(type, key), eventType: type, occurredAt, customerId: scope.customerId, ownerId: scope.ownerId ?? null, data } as EventOf<T>;
}

export function orderPlaced(order: Order): EventOf<'OrderPlaced.v1'> {
  return event('OrderPlaced.v1', order.orderId, order.createdAt, order, {
    orderId: order.orderId,
    externalRef: order.externalRef,
    currency: order.currency,
    total: amount(order.totalMinor, order.currency),
    lines: order.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
  });
}

export function creditHeld(order: Order, reason: string, at: string): EventOf<'CreditHeld.v1'> {
  return event('CreditHeld.v1', order.orderId, at, order, { orderId: order.orderId, currency: order.currency, total: amount(order.totalMinor, order.currency), reason });
}

/** `decidedBy`: `credit check` when the check decided by itself, else the finance client's id. */
export function creditDecided(order: Pick<Order, 'orderId' | 'customerId' | 'ownerId'>, decision: 'approve' | 'reject', decidedBy: string, reason: string, at: string): EventOf<'CreditDecided.v1'> {
  return event('CreditDecided.v1', order.orderId, at, order, { orderId: order.orderId, decision, decidedBy, reason });
}

export function shipmentRecorded(order: Order, shipment: Shipment): EventOf<'ShipmentRecorded.v1'> {
  return event('ShipmentRecorded.v1', `${order.orderId}|${shipment.shipmentId}`, shipment.reportedAt, order, {
    orderId: order.orderId,
    shipmentId: shipment.shipmentId,
    shippedAt: shipment.shippedAt,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    lines: shipment.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
  });
}

export function invoiceIssued(invoice: Invoice): EventOf<'InvoiceIssued.v1'> {
  return event('InvoiceIssued.v1', invoice.invoiceId, invoice.issuedAt, invoice, {
    invoiceId: invoice.invoiceId,
    number: invoice.number,
    rfReference: invoice.rfReference,
    orderId: invoice.orderId,
    currency: invoice.currency,
    total: amount(invoice.totalMinor, invoice.currency),
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
  });
}

export function invoiceSent(invoice: Pick<Invoice, 'invoiceId' | 'number' | 'customerId' | 'ownerId'>, sentAt: string): EventOf<'InvoiceSent.v1'> {
  return event('InvoiceSent.v1', invoice.invoiceId, sentAt, invoice, { invoiceId: invoice.invoiceId, number: invoice.number, channel: 'email', sentAt });
}

/**
 * The events of a posting (`posting/posting.ts`), derived from the posting itself so that every
 * path that moves money reports them: a new payment (`PaymentReceived`), each allocation added to
 * an invoice (`PaymentApplied`), a credit note or write-off journal (`CreditNoteIssued`,
 * `InvoiceWrittenOff`) for each invoice it reduces, and the disputes and promises it opens or
 * closes ({@link dunningEvents}).
 */
export function postingEvents(posting: Posting): DomainEvent[] {
  const events: DomainEvent[] = [];
  const at = posting.journals[0]?.postedAt ?? posting.payment?.after.receivedAt;
  const payment = posting.payment;
  if (payment && payment.before === null) {
    const p = payment.after;
    const owner = posting.invoices.find((c) => c.after.customerId === p.customerId)?.after.ownerId ?? p.recordedBy ?? null;
    events.push(
      event('PaymentReceived.v1', p.paymentId, p.receivedAt, { customerId: p.customerId, ownerId: owner }, {
        paymentId: p.paymentId,
        source: p.source,
        currency: p.currency,
        amount: amount(p.amountMinor, p.currency),
        valueDate: p.valueDate,
        unapplied: amount(p.unappliedMinor, p.currency),
        status: p.status,
      }),
    );
  }
  for (const { before, after } of posting.invoices) {
    if (before === null || after.chargesOf !== undefined) continue;
    const added = after.allocations.slice(before.allocations.length);
    for (const [i, allocation] of added.entries()) {
      events.push(
        event('PaymentApplied.v1', `${after.invoiceId}|${allocation.paymentId}|${before.allocations.length + i}`, allocation.at, after, {
          paymentId: allocation.paymentId,
          invoiceId: after.invoiceId,
          invoiceNumber: after.number,
          currency: after.currency,
          amount: amount(allocation.amountMinor, after.currency),
          invoiceBalance: amount(after.balanceMinor, after.currency),
          invoiceStatus: after.status,
        }),
      );
    }
    events.push(...dunningEvents(before, after));
    const reducedBy = before.balanceMinor - after.balanceMinor - added.reduce((n, a) => n + a.amountMinor, 0);
    if (reducedBy <= 0) continue;
    const journal = posting.journals.find((j) => (j.event === 'CreditNoteIssued' || j.event === 'InvoiceWrittenOff') && j.lines.some((l) => l.reference === after.invoiceId));
    if (!journal || !at) continue;
    const scope = after;
    if (journal.event === 'CreditNoteIssued') {
      events.push(
        event('CreditNoteIssued.v1', journal.journalId, journal.postedAt, scope, {
          invoiceId: after.invoiceId,
          journalId: journal.journalId,
          currency: after.currency,
          amount: amount(reducedBy, after.currency),
          invoiceBalance: amount(after.balanceMinor, after.currency),
        }),
      );
    } else {
      events.push(
        event('InvoiceWrittenOff.v1', journal.journalId, journal.postedAt, scope, {
          invoiceId: after.invoiceId,
          journalId: journal.journalId,
          currency: after.currency,
          amount: amount(reducedBy, after.currency),
          invoiceBalance: amount(after.balanceMinor, after.currency),
          invoiceStatus: after.status,
        }),
      );
    }
  }
  return events;
}

/**
 * The disputes and promises a change of an invoice's dunning record opened or closed: a new dispute
 * (`DisputeOpened`), one no longer open (`DisputeResolved`), a new promise (`PromiseMade`), one kept
 * or broken (`PromiseKept`, `PromiseBroken`).
 */
function dunningEvents(before: Invoice, after: Invoice): DomainEvent[] {
  const events: DomainEvent[] = [];
  const disputesBefore = new Map((before.dunning.disputes ?? []).map((d) => [d.disputeId, d]));
  for (const dispute of after.dunning.disputes ?? []) {
    const was = disputesBefore.get(dispute.disputeId);
    const key = `${after.invoiceId}|${dispute.disputeId}`;
    if (!was) {
      events.push(
        event('DisputeOpened.v1', key, dispute.openedAt, after, {
          invoiceId: after.invoiceId,
          disputeId: dispute.disputeId,
          reason: dispute.reason,
          currency: after.currency,
          amount: dispute.amountMinor === null ? null : amount(dispute.amountMinor, after.currency),
        }),
      );
    }
    if ((was?.status ?? 'open') === 'open' && dispute.status !== 'open') {
      events.push(
        event('DisputeResolved.v1', key, dispute.resolvedAt ?? dispute.openedAt, after, {
          invoiceId: after.invoiceId,
          disputeId: dispute.disputeId,
          outcome: dispute.status,
          resolution: dispute.resolution,
          currency: after.currency,
          credit: dispute.creditMinor === null ? null : amount(dispute.creditMinor, after.currency),
        }),
      );
    }
  }
  const promisesBefore = new Map((before.dunning.promises ?? []).map((p) => [p.promiseId, p]));
  for (const promise of after.dunning.promises ?? []) {
    const was = promisesBefore.get(promise.promiseId);
    const key = `${after.invoiceId}|${promise.promiseId}`;
    const data = { invoiceId: after.invoiceId, promiseId: promise.promiseId, currency: after.currency, amount: amount(promise.amountMinor, after.currency), promisedDate: promise.promisedDate };
    if (!was) events.push(event('PromiseMade.v1', key, promise.recordedAt, after, data));
    if ((was?.status ?? 'open') === 'open' && promise.status === 'kept') events.push(event('PromiseKept.v1', key, promise.closedAt ?? promise.recordedAt, after, data));
    if ((was?.status ?? 'open') === 'open' && promise.status === 'broken') events.push(event('PromiseBroken.v1', key, promise.closedAt ?? promise.recordedAt, after, data));
  }
  return events;
}
