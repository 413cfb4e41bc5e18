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
import type { Mandate } from '../sepa/mandate';
import type { LineResult } from '../cash-application/application';
import type { StatementRecord } from '../cash-application/statement-record';
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
    const owner = posting.invoices.find((c) => c.after.customerId === p.customerId)?.after.ownerId ?? posting.customerOwnerId ?? p.recordedBy ?? null;
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
    const returned = collectionReturned(before, after, at);
    if (returned) events.push(returned);
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
  events.push(...directDebitEvents(posting));
  return events;
}

/** The owner (API client) of `customerId` as the posting knows it: from an invoice of the customer, else the posting's own. */
function ownerIn(posting: Posting, customerId: string): string | null {
  return posting.invoices.find((c) => c.after.customerId === customerId)?.after.ownerId ?? posting.customerOwnerId ?? null;
}

/**
 * The SEPA events of a posting: a collection file created (`CollectionFileCreated`, finance's: it
 * spans customers), a mandate the posting revokes (`MandateRevoked`: a return that stops
 * collection), a refund issued (`RefundIssued`).
 */
function directDebitEvents(posting: Posting): DomainEvent[] {
  const events: DomainEvent[] = [];
  const dd = posting.directDebit;
  const file = dd?.file;
  if (file && file.before === null) {
    const f = file.after;
    const transactions = f.batches.flatMap((b) => b.transactions);
    events.push(
      event('CollectionFileCreated.v1', f.fileId, f.createdAt, { customerId: null, ownerId: null }, {
        fileId: f.fileId,
        messageId: f.messageId,
        runDate: f.runDate,
        numberOfTransactions: f.numberOfTransactions,
        currency: 'EUR',
        controlSum: amount(f.sumMinor, 'EUR'),
        collectionDates: [...new Set(f.batches.map((b) => b.collectionDate))].sort(),
        invoiceIds: transactions.map((t) => t.invoiceId),
      }),
    );
  }
  for (const { before, after } of dd?.mandates ?? []) {
    const revoked = mandateRevoked(before, after, ownerIn(posting, after.customerId));
    if (revoked) events.push(revoked);
  }
  const refund = dd?.refund;
  if (refund && refund.before === null) {
    const r = refund.after;
    events.push(
      event('RefundIssued.v1', r.refundId, r.createdAt, { customerId: r.customerId, ownerId: ownerIn(posting, r.customerId) }, {
        refundId: r.refundId,
        currency: r.currency,
        amount: amount(r.amountMinor, r.currency),
        executionDate: r.executionDate,
        endToEndId: r.endToEndId,
        messageId: r.messageId,
      }),
    );
  }
  return events;
}

/** A collected direct debit of the invoice returned by the bank (its collection `pending` before, `returned` now). */
function collectionReturned(before: Invoice, after: Invoice, postedAt: string | undefined): DomainEvent | null {
  const dd = after.directDebit;
  const at = dd?.returnedAt ?? postedAt;
  if (!dd || !at || dd.status !== 'returned' || before.directDebit?.status === 'returned') return null;
  return event('CollectionReturned.v1', `${after.invoiceId}|${dd.endToEndId}`, at, after, {
    invoiceId: after.invoiceId,
    number: after.number,
    fileId: dd.fileId,
    endToEndId: dd.endToEndId,
    mandateId: dd.mandateId,
    reasonCode: dd.returnReason?.code ?? 'NARR',
    reason: dd.returnReason?.text ?? 'returned',
    currency: after.currency,
    amount: amount(dd.amountMinor, after.currency),
    reversed: amount(dd.reversedMinor ?? 0, after.currency),
    invoiceBalance: amount(after.balanceMinor, after.currency),
  });
}

/** A mandate recorded (`ownerId`: the API client that registered its customer, if any). */
export function mandateCreated(mandate: Mandate, ownerId: string | null): EventOf<'MandateCreated.v1'> {
  return event('MandateCreated.v1', mandate.mandateId, mandate.createdAt, { customerId: mandate.customerId, ownerId }, {
    mandateId: mandate.mandateId,
    scheme: mandate.scheme,
    signedOn: mandate.signedOn,
    creditorId: mandate.creditorId,
    ibanLast4: mandate.iban.replace(/\s/g, '').slice(-4),
  });
}

/** The mandate revoked by this change (ACTIVE before, REVOKED after), else null. */
export function mandateRevoked(before: Mandate, after: Mandate, ownerId: string | null): EventOf<'MandateRevoked.v1'> | null {
  if (before.status === 'REVOKED' || after.status !== 'REVOKED') return null;
  const at = after.revokedAt ?? after.history.at(-1)?.at ?? after.createdAt;
  return event('MandateRevoked.v1', after.mandateId, at, { customerId: after.customerId, ownerId }, {
    mandateId: after.mandateId,
    scheme: after.scheme,
    reason: after.revocationReason,
    revokedAt: at,
  });
}

/**
 * A statement's upload processed to its last line, with the counts and, per currency, the amounts
 * by outcome of `lines` (the statement's line results). Finance's event: a statement spans customers.
 */
export function statementProcessed(statement: Pick<StatementRecord, 'statementId' | 'uploads' | 'format' | 'accounts' | 'total' | 'counts' | 'at'>, lines: readonly LineResult[]): EventOf<'StatementProcessed.v1'> {
  const byCurrency = new Map<string, { received: number; applied: number; suggested: number; unapplied: number }>();
  for (const line of lines) {
    const t = byCurrency.get(line.currency) ?? { received: 0, applied: 0, suggested: 0, unapplied: 0 };
    t.received += line.amountMinor;
    t[line.status] += line.amountMinor;
    byCurrency.set(line.currency, t);
  }
  return event('StatementProcessed.v1', `${statement.statementId}|${statement.uploads}`, statement.at, { customerId: null, ownerId: null }, {
    statementId: statement.statementId,
    upload: statement.uploads,
    format: statement.format,
    accounts: [...statement.accounts],
    lines: statement.total,
    counts: { applied: statement.counts.applied, suggested: statement.counts.suggested, unapplied: statement.counts.unapplied },
    totals: [...byCurrency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, t]) => ({
        currency,
        received: amount(t.received, currency),
        applied: amount(t.applied, currency),
        suggested: amount(t.suggested, currency),
        unapplied: amount(t.unapplied, currency),
      })),
  });
}

/**
 * The disputes and promises a change of an invoice's dunning record opened or closed: a new dispute
 * (`DisputeOpened`), one no longer open (`DisputeResolved`), a new promise (`PromiseMade`), one kept
 * or broken (`PromiseKept`, `PromiseBroken`).
 */
function dunningEvents(before: Invoice, after: Invoice): DomainEvent[] {
  const events: DomainEvent[] = [];
  const escalation = after.dunning.escalation;
  if (!before.dunning.escalation && escalation) {
    events.push(
      event('InvoiceOverdue.v1', after.invoiceId, escalation.startedAt, after, {
        invoiceId: after.invoiceId,
        number: after.number,
        currency: after.currency,
        balance: amount(after.balanceMinor, after.currency),
        dueDate: after.dueDate,
        overdueAt: after.overdueAt,
        level: before.dunning.level,
      }),
    );
  }
  const d = (field: 'feesPostedMinor' | 'compensationPostedMinor' | 'interestPostedMinor') => (after.dunning[field] ?? 0) - (before.dunning[field] ?? 0);
  for (const entry of after.dunning.history.slice(before.dunning.history.length)) {
    if (entry.event !== 'reminder' || !entry.runId || entry.channel !== 'email') continue;
    events.push(
      event('ReminderSent.v1', `${after.invoiceId}|${entry.runId}|${entry.level}`, entry.at, after, {
        invoiceId: after.invoiceId,
        number: after.number,
        level: entry.level,
        letterId: `${entry.runId}/${after.customerId}`,
        runId: entry.runId,
        messageId: entry.messageId,
        resent: entry.level === before.dunning.level,
        currency: after.currency,
        fee: amount(d('feesPostedMinor') + d('compensationPostedMinor'), after.currency),
        interest: amount(d('interestPostedMinor'), after.currency),
        balance: amount(after.balanceMinor, after.currency),
      }),
    );
  }
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
