/**
 * The domain events, one zod schema per versioned type: the TypeScript types are derived from the
 * schemas, and the JSON Schema files other systems read (`lib/definitions/event-schemas/*.json`) are
 * generated from them (`npm run event-schemas`; a unit test fails when a file is out of step).
 *
 * Every event is an envelope with the same fields (`eventId`, `eventType`, `occurredAt` from the
 * one clock, `customerId` and `ownerId` for scoping) and the type's `data`. A type never changes
 * once published: a change that consumers would notice is a new version (`OrderPlaced.v2`).
 * Amounts are decimal strings with their currency beside them, as in the API.
 */
import * as z from 'zod';

const id = z.string().min(1).max(200);
const instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'an ISO 8601 instant in UTC');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar date YYYY-MM-DD');
const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string such as "1234.50"');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code');

/** The fields every event has; `data` is the type's own. */
function envelope<T extends string, D extends z.ZodType>(eventType: T, data: D) {
  return z.strictObject({
    /** Unique per event (a UUID); the same change reported again carries the same id: drop duplicates by it. */
    eventId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    eventType: z.literal(eventType),
    /** When the change happened, from the product's one clock. */
    occurredAt: instant,
    /** The customer the event concerns (null: a payment not yet matched to a customer). */
    customerId: id.nullable(),
    /** The API client (storefront) that registered the customer; null for customers finance keeps alone. */
    ownerId: id.nullable(),
    data,
  });
}

const orderLine = z.strictObject({ lineNo: z.number().int().positive(), sku: z.string(), quantity: z.number().int().positive() });

export const eventSchemas = {
  'OrderPlaced.v1': envelope(
    'OrderPlaced.v1',
    z.strictObject({ orderId: id, externalRef: z.string().nullable(), currency, total: amount, lines: z.array(orderLine).min(1) }),
  ),
  'CreditHeld.v1': envelope('CreditHeld.v1', z.strictObject({ orderId: id, currency, total: amount, reason: z.string() })),
  'CreditDecided.v1': envelope(
    'CreditDecided.v1',
    z.strictObject({ orderId: id, decision: z.enum(['approve', 'reject']), decidedBy: z.string(), reason: z.string() }),
  ),
  'ShipmentRecorded.v1': envelope(
    'ShipmentRecorded.v1',
    z.strictObject({ orderId: id, shipmentId: id, shippedAt: z.string(), carrier: z.string().nullable(), trackingNumber: z.string().nullable(), lines: z.array(orderLine).min(1) }),
  ),
  'InvoiceIssued.v1': envelope(
    'InvoiceIssued.v1',
    z.strictObject({ invoiceId: id, number: z.string(), rfReference: z.string(), orderId: id.nullable(), currency, total: amount, issueDate: date, dueDate: date }),
  ),
  'InvoiceSent.v1': envelope('InvoiceSent.v1', z.strictObject({ invoiceId: id, number: z.string(), channel: z.literal('email'), sentAt: instant })),
  'PaymentReceived.v1': envelope(
    'PaymentReceived.v1',
    z.strictObject({
      paymentId: id,
      source: z.enum(['online', 'statement', 'manual']),
      currency,
      amount,
      valueDate: date,
      unapplied: amount,
      status: z.enum(['applied', 'partially-applied', 'unapplied']),
    }),
  ),
  'PaymentApplied.v1': envelope(
    'PaymentApplied.v1',
    z.strictObject({ paymentId: id, invoiceId: id, invoiceNumber: z.string(), currency, amount, invoiceBalance: amount, invoiceStatus: z.string() }),
  ),
  'CreditNoteIssued.v1': envelope('CreditNoteIssued.v1', z.strictObject({ invoiceId: id, journalId: id, currency, amount, invoiceBalance: amount })),
  'InvoiceWrittenOff.v1': envelope('InvoiceWrittenOff.v1', z.strictObject({ invoiceId: id, journalId: id, currency, amount, invoiceBalance: amount, invoiceStatus: z.string() })),
  'DisputeOpened.v1': envelope(
    'DisputeOpened.v1',
    z.strictObject({ invoiceId: id, disputeId: id, reason: z.string(), currency, amount: amount.nullable() }),
  ),
  'DisputeResolved.v1': envelope(
    'DisputeResolved.v1',
    z.strictObject({ invoiceId: id, disputeId: id, outcome: z.enum(['credited', 'rejected']), resolution: z.string().nullable(), currency, credit: amount.nullable() }),
  ),
  'PromiseMade.v1': envelope('PromiseMade.v1', z.strictObject({ invoiceId: id, promiseId: id, currency, amount, promisedDate: date })),
  'PromiseKept.v1': envelope('PromiseKept.v1', z.strictObject({ invoiceId: id, promiseId: id, currency, amount, promisedDate: date })),
  'PromiseBroken.v1': envelope('PromiseBroken.v1', z.strictObject({ invoiceId: id, promiseId: id, currency, amount, promisedDate: date })),
  /** A bank statement's upload processed to its last credit line (finance's: `customerId` and `ownerId` are null). */
  'StatementProcessed.v1': envelope(
    'StatementProcessed.v1',
    z.strictObject({
      statementId: id,
      /** The n-th upload of the statement that finished (a statement uploaded again is processed again). */
      upload: z.number().int().positive(),
      format: z.string().nullable(),
      accounts: z.array(z.string()),
      /** Credit lines of the file; debit lines are not cash application's. */
      lines: z.number().int().nonnegative(),
      counts: z.strictObject({ applied: z.number().int().nonnegative(), suggested: z.number().int().nonnegative(), unapplied: z.number().int().nonnegative() }),
      /** Per currency, the amounts of the credit lines by outcome (the line's whole amount under its outcome). */
      totals: z.array(z.strictObject({ currency, received: amount, applied: amount, suggested: amount, unapplied: amount })),
    }),
  ),
  /** The invoice's dunning started: it was overdue when the dunning run first acted on it (its escalation began). */
  'InvoiceOverdue.v1': envelope(
    'InvoiceOverdue.v1',
    z.strictObject({ invoiceId: id, number: z.string(), currency, balance: amount, dueDate: date, overdueAt: instant, level: z.number().int().nonnegative() }),
  ),
  /** A dunning letter (reminder) sent for the invoice, at its level, with the fee and interest charged with it. */
  'ReminderSent.v1': envelope(
    'ReminderSent.v1',
    z.strictObject({
      invoiceId: id,
      number: z.string(),
      level: z.number().int().positive(),
      /** The letter: `<runId>/<customerId>`, as `GET /dunning/runs/{runId}` lists it under the customer. */
      letterId: id,
      runId: id,
      /** The email's message id (null when the mailer gave none). */
      messageId: z.string().nullable(),
      /** True when the same level's letter went out again (after a bounce). */
      resent: z.boolean(),
      currency,
      fee: amount,
      interest: amount,
      balance: amount,
    }),
  ),
  'MandateCreated.v1': envelope(
    'MandateCreated.v1',
    z.strictObject({ mandateId: id, scheme: z.enum(['CORE', 'B2B']), signedOn: date, creditorId: z.string(), ibanLast4: z.string().max(4) }),
  ),
  'MandateRevoked.v1': envelope('MandateRevoked.v1', z.strictObject({ mandateId: id, scheme: z.enum(['CORE', 'B2B']), reason: z.string().nullable(), revokedAt: instant })),
  /** A SEPA direct debit file (pain.008) created by a collection run (finance's: it spans customers). */
  'CollectionFileCreated.v1': envelope(
    'CollectionFileCreated.v1',
    z.strictObject({
      fileId: id,
      messageId: z.string(),
      runDate: date,
      numberOfTransactions: z.number().int().positive(),
      currency: z.literal('EUR'),
      controlSum: amount,
      collectionDates: z.array(date),
      invoiceIds: z.array(id),
    }),
  ),
  /** A collected direct debit returned or rejected by the bank: the invoice is open again. */
  'CollectionReturned.v1': envelope(
    'CollectionReturned.v1',
    z.strictObject({
      invoiceId: id,
      number: z.string(),
      fileId: id,
      endToEndId: z.string(),
      mandateId: id,
      reasonCode: z.string(),
      reason: z.string(),
      currency,
      amount,
      /** What the return gave back of what had been paid. */
      reversed: amount,
      invoiceBalance: amount,
    }),
  ),
  /** On-account credit refunded by SEPA credit transfer (pain.001): the file is written and the credit taken. */
  'RefundIssued.v1': envelope(
    'RefundIssued.v1',
    z.strictObject({ refundId: id, currency: z.literal('EUR'), amount, executionDate: date, endToEndId: z.string(), messageId: z.string() }),
  ),
  /** An accounting period was closed: nothing is dated in it any more (`core/ledger/periods.ts`). */
  'PeriodClosed.v1': envelope(
    'PeriodClosed.v1',
    z.strictObject({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'), closedAt: instant, closedBy: z.string(), nextOpenPeriod: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM') }),
  ),
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

export type EventOf<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;
export type DomainEvent = { [T in EventType]: EventOf<T> }[EventType];

export function isEventType(text: string): text is EventType {
  return Object.hasOwn(eventSchemas, text);
}

/** The JSON Schema (draft 2020-12) of an event type, as the files in the repository hold it. */
export function jsonSchemaOf(type: EventType): Record<string, unknown> {
  const schema = z.toJSONSchema(eventSchemas[type], { target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $id: `https://order-to-cash.example/events/${type}.json`, title: type, ...schema };
}
