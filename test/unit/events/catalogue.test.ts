/**
 * The event catalogue: each type's JSON Schema file is what the zod schema gives (one source), and
 * the events the product's own functions build from its own records validate against the files
 * (ajv, draft 2020-12), as do the events the webhook integration test receives.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { EVENT_TYPES, jsonSchemaOf, type DomainEvent } from '../../../lambdas/core/events/catalogue';
import { creditDecided, creditHeld, eventIdFor, invoiceIssued, invoiceSent, orderPlaced, postingEvents, shipmentRecorded } from '../../../lambdas/core/events/events';
import { EVENT_SCHEMA_DIR } from '../../../lib/definitions/event-schemas';
import { applyPayment, parseRecordPayment } from '../../../lambdas/core/payments/payment';
import { creditInvoice, writeOffInvoice } from '../../../lambdas/core/invoices/transitions';
import { postingItemCount } from '../../../lambdas/core/posting/posting';
import { anInvoice, anOrder, aShipment } from '../../support/builders';

const ajv = new Ajv2020({ allErrors: true, strict: true });
const fileOf = (type: string) => JSON.parse(readFileSync(join(EVENT_SCHEMA_DIR, `${type}.json`), 'utf8')) as Record<string, unknown>;
const validators = new Map(EVENT_TYPES.map((t) => [t, ajv.compile(fileOf(t))]));

function expectValid(event: DomainEvent) {
  const validate = validators.get(event.eventType)!;
  expect(validate(event), `${event.eventType}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

describe('the JSON Schema files', () => {
  it('hold exactly one file per event type, each what the catalogue generates (npm run event-schemas)', () => {
    expect(readdirSync(EVENT_SCHEMA_DIR).sort()).toEqual(EVENT_TYPES.map((t) => `${t}.json`).sort());
    for (const type of EVENT_TYPES) expect(fileOf(type), `${type}.json is out of step: run npm run event-schemas`).toEqual(jsonSchemaOf(type));
  });

  it('refuse an event with a field missing, an unknown field, a float amount or another type', () => {
    const event = orderPlaced(anOrder());
    const validate = validators.get('OrderPlaced.v1')!;
    expect(validate(event)).toBe(true);
    const { ownerId: _o, ...withoutOwner } = event;
    expect(validate(withoutOwner)).toBe(false);
    expect(validate({ ...event, extra: 1 })).toBe(false);
    expect(validate({ ...event, data: { ...event.data, total: 12.5 } })).toBe(false);
    expect(validate({ ...event, eventType: 'InvoiceIssued.v1' })).toBe(false);
  });
});

describe('events built from the product records', () => {
  const order = anOrder();
  const invoice = anInvoice();

  it('validate against their schema and carry the change time, the customer and the owner', () => {
    const events = [
      orderPlaced(order),
      creditHeld(order, 'over the limit', '2026-02-01T10:00:00.000Z'),
      creditDecided(order, 'approve', 'test-finance', 'known customer', '2026-02-01T11:00:00.000Z'),
      shipmentRecorded(order, aShipment()),
      invoiceIssued(invoice),
      invoiceSent(invoice, '2026-02-03T08:00:00.000Z'),
    ];
    for (const event of events) expectValid(event);
    expect(events[0]).toMatchObject({ occurredAt: order.createdAt, customerId: order.customerId, ownerId: order.ownerId ?? null });
    expect(events[4]).toMatchObject({ occurredAt: invoice.issuedAt, data: { invoiceId: invoice.invoiceId, total: expect.stringMatching(/^\d+\.\d{2}$/) } });
  });

  it('have an id derived from the change: the same on every attempt, another for another change', () => {
    expect(orderPlaced(order).eventId).toBe(orderPlaced({ ...order }).eventId);
    expect(orderPlaced(order).eventId).not.toBe(orderPlaced({ ...order, orderId: 'O-2' }).eventId);
    expect(eventIdFor('OrderPlaced.v1', 'x')).not.toBe(eventIdFor('ShipmentRecorded.v1', 'x'));
    expect(eventIdFor('OrderPlaced.v1', 'x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('a payment posting reports PaymentReceived and one PaymentApplied per allocation, counted in its transaction items', () => {
    const open = anInvoice({ invoiceId: 'I-1', number: 'INV-2026-000001', balanceMinor: 10_000, totalMinor: 10_000 });
    const request = parseRecordPayment({ amount: '60.00', currency: 'EUR', reference: 'INV-2026-000001', valueDate: '2026-02-10', providerPaymentId: 'psp-1' });
    const { posting } = applyPayment('P-1', request, [open], { now: new Date('2026-02-10T09:00:00Z'), source: 'online', explicitOrder: false, recordedBy: 'test-shop' });
    const events = postingEvents(posting);
    expect(events.map((e) => e.eventType)).toEqual(['PaymentReceived.v1', 'PaymentApplied.v1']);
    expect(events[1]).toMatchObject({ customerId: open.customerId, ownerId: open.ownerId ?? null, data: { paymentId: 'P-1', invoiceId: 'I-1', amount: '60.00', invoiceBalance: '40.00', invoiceStatus: 'PARTIALLY_PAID' } });
    for (const event of events) expectValid(event);
    // Invoices, journal lines, the payment and the check of the closed periods (`ledger-periods.ts`).
    const withoutEvents = posting.invoices.length + posting.journals.reduce((n, j) => n + j.lines.length, 0) + 1 + 1;
    expect(postingItemCount(posting)).toBe(withoutEvents + 2);
  });

  it('a credit note or write-off reports the amount it took off the invoice', () => {
    const open = anInvoice({ invoiceId: 'I-2', balanceMinor: 10_000, totalMinor: 10_000 });
    const at = '2026-03-01T09:00:00.000Z';
    const credited = creditInvoice(open, { amountMinor: 2_500, at, note: 'dispute' });
    const creditEvents = postingEvents({ description: 'credit', invoices: [{ before: open, after: credited.invoice }], journals: [{ journalId: 'credit-I-2', event: 'CreditNoteIssued', postedAt: at, currency: 'EUR', lines: credited.journalLines }] });
    expect(creditEvents).toEqual([expect.objectContaining({ eventType: 'CreditNoteIssued.v1', data: expect.objectContaining({ amount: '25.00', invoiceBalance: '75.00' }) })]);
    const written = writeOffInvoice(open, { amountMinor: 10_000, at, note: 'bad debt' });
    const writeOffEvents = postingEvents({ description: 'write-off', invoices: [{ before: open, after: written.invoice }], journals: [{ journalId: 'write-off-I-2', event: 'InvoiceWrittenOff', postedAt: at, currency: 'EUR', lines: written.journalLines }] });
    expect(writeOffEvents).toEqual([expect.objectContaining({ eventType: 'InvoiceWrittenOff.v1', data: expect.objectContaining({ amount: '100.00', invoiceBalance: '0.00', invoiceStatus: 'WRITTEN_OFF' }) })]);
    for (const event of [...creditEvents, ...writeOffEvents]) expectValid(event);
  });

  it('a change of the dunning record reports the disputes and promises it opened or closed', () => {
    const open = anInvoice({ invoiceId: 'I-3', balanceMinor: 10_000, totalMinor: 10_000 });
    const dispute = { disputeId: 'D-1', reason: 'damaged <b>goods</b>', amountMinor: 2_000, openedAt: '2026-03-02T09:00:00.000Z', levelAtOpen: 1, status: 'open' as const, resolvedAt: null, resolution: null, creditMinor: null };
    const disputed = { ...open, dunning: { ...open.dunning, disputes: [dispute] } };
    const resolved = { ...open, dunning: { ...open.dunning, disputes: [{ ...dispute, status: 'credited' as const, resolvedAt: '2026-03-05T09:00:00.000Z', resolution: 'credit note', creditMinor: 2_000 }] } };
    const promise = { promiseId: 'P-1', amountMinor: 5_000, promisedDate: '2026-03-20', recordedAt: '2026-03-03T09:00:00.000Z', paidAtRecordMinor: 0, status: 'open' as const, closedAt: null };
    const promised = { ...open, dunning: { ...open.dunning, promises: [promise] } };
    const broken = { ...open, dunning: { ...open.dunning, promises: [{ ...promise, status: 'broken' as const, closedAt: '2026-03-21T05:00:00.000Z' }] } };
    const kept = { ...open, dunning: { ...open.dunning, promises: [{ ...promise, status: 'kept' as const, closedAt: '2026-03-19T05:00:00.000Z' }] } };
    const of = (before: typeof open, after: typeof open) => postingEvents({ description: 'dunning', invoices: [{ before, after }], journals: [] });
    const events = [...of(open, disputed), ...of(disputed, resolved), ...of(open, promised), ...of(promised, broken), ...of(promised, kept)];
    expect(events.map((e) => e.eventType)).toEqual(['DisputeOpened.v1', 'DisputeResolved.v1', 'PromiseMade.v1', 'PromiseBroken.v1', 'PromiseKept.v1']);
    expect(events[0]).toMatchObject({ occurredAt: dispute.openedAt, data: { disputeId: 'D-1', reason: 'damaged <b>goods</b>', amount: '20.00' } });
    expect(events[1]).toMatchObject({ occurredAt: '2026-03-05T09:00:00.000Z', data: { outcome: 'credited', credit: '20.00' } });
    expect(events[3]).toMatchObject({ occurredAt: '2026-03-21T05:00:00.000Z', data: { promiseId: 'P-1', amount: '50.00', promisedDate: '2026-03-20' } });
    expect(of(disputed, disputed)).toEqual([]);
    for (const event of events) expectValid(event);
  });
});
