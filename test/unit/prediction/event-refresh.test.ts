/**
 * Predictions refreshed on a domain event (issue 14): the customer's open items are predicted again
 * with the stored model and the figures of all customers the latest run kept, giving what the full
 * run gives for them; a payment changes the customer's other open items; an event is refreshed for
 * once (by its id); a failure refreshes nothing and the retry does; events of no interest change nothing.
 */
import { describe, expect, it } from 'vitest';
import { refreshOnEvent, type EventRefreshDeps } from '../../../lambdas/core/prediction/event-refresh';
import { runPredictions } from '../../../lambdas/core/prediction/refresh';
import { eventRules, PREDICTION_REFRESH_EVENTS } from '../../../lib/definitions/events';
import type { Customer } from '../../../lambdas/core/customers/customer';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import { ValidationError } from '../../../lambdas/core/errors';
import { generateHistory } from '../../benchmarks/prediction/synthetic-history';
import { MemoryPredictionStore, productInvoice } from '../../support/prediction-invoices';

const NOW = '2026-02-02T04:30:00.000Z';
const LATER = '2026-02-02T10:00:00.000Z';
const asOf = NOW.slice(0, 10);
const history = generateHistory({ customers: 40, seed: 23, start: '2025-01-01', months: 15 });
const customers = [...new Set(history.map((h) => h.customerId))].map((customerId) => ({ customerId, locale: `en-${history.find((h) => h.customerId === customerId)!.country}` }) as unknown as Customer);

function world() {
  const invoices = new Map(history.filter((h) => h.issueDate <= asOf).map((h) => [h.invoiceId, productInvoice(h, asOf)]));
  const store = new MemoryPredictionStore();
  let now = NOW;
  const clock = { now: () => new Date(now) };
  const run = { invoices: { all: async () => [...invoices.values()] }, customers: { all: async () => customers }, store, clock, settings: { businessTimeZone: 'Europe/Berlin', retrainEveryDays: 7 } };
  const refresh: EventRefreshDeps = {
    invoices: { allOfCustomer: async (id: string) => [...invoices.values()].filter((i) => i.customerId === id) },
    customers: { get: async (id: string) => customers.find((c) => c.customerId === id) },
    store,
    clock,
    settings: { businessTimeZone: 'Europe/Berlin' },
  };
  return { invoices, store, run, refresh, moveTo: (instant: string) => (now = instant) };
}

/** A customer with at least two open items and a paid history. */
function customerWithTwoOpen(invoices: Map<string, Invoice>) {
  const open = [...invoices.values()].filter((i) => i.balanceMinor > 0);
  const byCustomer = new Map<string, Invoice[]>();
  for (const i of open) byCustomer.set(i.customerId, [...(byCustomer.get(i.customerId) ?? []), i]);
  const [customerId, items] = [...byCustomer].find(([id, list]) => list.length >= 2 && [...invoices.values()].some((i) => i.customerId === id && i.status === 'PAID'))!;
  return { customerId, items };
}

const busEvent = (eventType: string, customerId: string | null, eventId = '5b0c7a52-3d1e-8f00-a000-000000000001') => ({
  version: '0',
  id: 'eb-1',
  source: 'order-to-cash',
  'detail-type': eventType,
  time: LATER,
  detail: { eventId, eventType, occurredAt: LATER, customerId, ownerId: null, data: {} },
});

describe('the bus rule', () => {
  it('sends a payment, dispute, promise, reminder and new invoice to the prediction function, declared once', () => {
    const rule = eventRules.find((r) => r.id === 'PaymentPredictionRefresh')!;
    expect(rule.target.functionId).toBe('RunPaymentPredictions');
    expect([...PREDICTION_REFRESH_EVENTS].sort()).toEqual(
      ['DisputeOpened.v1', 'DisputeResolved.v1', 'InvoiceIssued.v1', 'PaymentApplied.v1', 'PaymentReceived.v1', 'PromiseBroken.v1', 'PromiseKept.v1', 'PromiseMade.v1', 'ReminderSent.v1'].sort(),
    );
  });
});

describe('predictions refreshed on an event', () => {
  it("predict the customer's open items as the full run does, marked with the time and the event", async () => {
    const w = world();
    await runPredictions(w.run);
    const { customerId, items } = customerWithTwoOpen(w.invoices);
    const fromRun = items.map((i) => w.store.stored.get(i.invoiceId)!);
    const other = [...w.store.stored.values()].find((p) => !items.some((i) => i.invoiceId === p.invoiceId))!;
    w.moveTo(LATER);
    const outcome = await refreshOnEvent(w.refresh, busEvent('DisputeOpened.v1', customerId));
    expect(outcome).toEqual({ outcome: 'refreshed', eventId: expect.any(String), customerId, predictions: items.length });
    for (const [k, item] of items.entries()) {
      const refreshed = w.store.stored.get(item.invoiceId)!;
      expect(refreshed).toMatchObject({ computedAt: LATER, refreshedBy: 'DisputeOpened.v1' });
      const { computedAt: _a, refreshedBy: _b, ...same } = refreshed;
      const { computedAt: _c, ...run } = fromRun[k]!;
      expect(same).toEqual(run);
    }
    // Other customers' predictions are left as the run stored them.
    expect(w.store.stored.get(other.invoiceId)).toEqual(other);
  });

  it("after a payment of one open item, the customer's other open item is predicted from the history that includes it", async () => {
    const w = world();
    await runPredictions(w.run);
    const { customerId, items } = customerWithTwoOpen(w.invoices);
    const [paidNow, stillOpen] = items as [Invoice, Invoice];
    const before = w.store.stored.get(stillOpen.invoiceId)!;
    w.moveTo(LATER);
    // Paid 40 days after its due date: the customer's lateness moves.
    const at = new Date(Date.parse(`${paidNow.dueDate}T12:00:00.000Z`) + 40 * 86_400_000);
    const paidAt = at.getTime() < Date.parse(LATER) ? at.toISOString() : LATER;
    w.invoices.set(paidNow.invoiceId, { ...paidNow, status: 'PAID', paidMinor: paidNow.totalMinor, balanceMinor: 0, allocations: [{ paymentId: 'P-now', amountMinor: paidNow.totalMinor, at: paidAt }] });
    const outcome = await refreshOnEvent(w.refresh, busEvent('PaymentApplied.v1', customerId));
    expect(outcome).toMatchObject({ outcome: 'refreshed', predictions: items.length - 1 });
    const after = w.store.stored.get(stillOpen.invoiceId)!;
    expect(after.computedAt).toBe(LATER);
    expect(after.refreshedBy).toBe('PaymentApplied.v1');
    expect(before.computedAt).toBe(NOW);
    expect(after.reasons.join(' ') !== before.reasons.join(' ') || after.latenessDays !== before.latenessDays || after.high !== before.high).toBe(true);
  });

  it('refreshes once per event id; a failure stores nothing, notes nothing, and the retry refreshes', async () => {
    const w = world();
    await runPredictions(w.run);
    const { customerId, items } = customerWithTwoOpen(w.invoices);
    w.moveTo(LATER);
    const event = busEvent('PromiseMade.v1', customerId, '5b0c7a52-3d1e-8f00-a000-000000000002');
    const save = w.store.savePredictions.bind(w.store);
    w.store.savePredictions = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    await expect(refreshOnEvent(w.refresh, event)).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(w.store.refreshedIds.has(event.detail.eventId)).toBe(false);
    expect(w.store.stored.get(items[0]!.invoiceId)!.computedAt).toBe(NOW);
    w.store.savePredictions = save;
    expect(await refreshOnEvent(w.refresh, event)).toMatchObject({ outcome: 'refreshed' });
    expect(w.store.stored.get(items[0]!.invoiceId)!.computedAt).toBe(LATER);
    w.moveTo('2026-02-02T11:00:00.000Z');
    expect(await refreshOnEvent(w.refresh, event)).toEqual({ outcome: 'duplicate', eventId: event.detail.eventId });
    expect(w.store.stored.get(items[0]!.invoiceId)!.computedAt).toBe(LATER);
  });

  it('leaves predictions alone for an event of no interest, without a customer, or before any model exists', async () => {
    const w = world();
    const { customerId } = customerWithTwoOpen(w.invoices);
    expect(await refreshOnEvent(w.refresh, busEvent('PaymentApplied.v1', customerId))).toMatchObject({ outcome: 'no-model' });
    await runPredictions(w.run);
    const stored = new Map(w.store.stored);
    expect(await refreshOnEvent(w.refresh, busEvent('OrderPlaced.v1', customerId))).toMatchObject({ outcome: 'not-relevant' });
    expect(await refreshOnEvent(w.refresh, busEvent('PaymentReceived.v1', null))).toMatchObject({ outcome: 'not-relevant' });
    expect(w.store.stored).toEqual(stored);
  });

  it('refuses an input that is not an EventBridge event with a domain event, naming the field', async () => {
    const w = world();
    await expect(refreshOnEvent(w.refresh, { 'detail-type': 'PaymentApplied.v1', detail: { eventType: 'PaymentApplied.v1' } })).rejects.toBeInstanceOf(ValidationError);
    await expect(refreshOnEvent(w.refresh, { 'detail-type': 'PaymentApplied.v1', detail: { eventType: 'PaymentApplied.v1' } })).rejects.toThrow(/source|eventId/);
  });
});
