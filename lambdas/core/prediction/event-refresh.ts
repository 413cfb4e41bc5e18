/**
 * Predictions refreshed when something relevant happens (issue 14): a payment, a dispute, a
 * promise, a reminder or a new invoice of a customer (the bus rule `PaymentPredictionRefresh`,
 * `lib/definitions/events.ts`) predicts that customer's open items again with the stored model,
 * without waiting for the daily run.
 *
 * The customer's own figures come from its invoices as they are now; the figures of all customers
 * (the priors of a customer with little history, the month effect) are those the latest prediction
 * run kept ({@link PopulationFigures}), so one event reads one customer, not the whole ledger.
 *
 * Idempotent by event id: an event refreshed once is noted (after its predictions are stored) and
 * a duplicate delivery changes nothing; a failure throws, and the delivery is tried again (the
 * bus's retries), so no refresh is lost; the daily run refreshes everything in any case.
 */
import * as z from 'zod';
import { PREDICTION_REFRESH_EVENTS } from '../../../lib/definitions/events';
import type { Customer } from '../customers/customer';
import type { Invoice } from '../invoices/invoice';
import { addCalendarDays, calendarDateIn, type Clock } from '../time/clock';
import { parseWith } from '../validation';
import { knowledgeAt, withPopulation, type PopulationFigures } from './features';

export type { PopulationFigures } from './features';
import { predictPayment, type PaymentPrediction } from './model';
import { historyOf, type PredictionStore } from './refresh';

/** What the refresh needs of the prediction store besides the run's port. */
export interface RefreshStore extends Pick<PredictionStore, 'currentModel' | 'savePredictions'> {
  population(): Promise<PopulationFigures | null>;
  /** Whether the event was refreshed for already. */
  refreshed(eventId: string): Promise<boolean>;
  /** Notes the event as refreshed for (after its predictions are stored). */
  markRefreshed(eventId: string, at: string): Promise<void>;
}

export interface EventRefreshDeps {
  readonly invoices: { allOfCustomer(customerId: string): Promise<Invoice[]> };
  readonly customers: { get(customerId: string): Promise<Customer | undefined> };
  readonly store: RefreshStore;
  readonly clock: Clock;
  readonly settings: { readonly businessTimeZone: string };
}

/** The EventBridge event the rule delivers: what the refresh reads of it (the detail is a domain event of the catalogue). */
export const busEvent = z.object({
  source: z.string(),
  'detail-type': z.string(),
  detail: z.object({ eventId: z.string().min(1), eventType: z.string(), customerId: z.string().min(1).nullable() }),
});

export type BusEvent = z.infer<typeof busEvent>;

/** Whether a function's input is an EventBridge event (rather than the schedule's or an API's input). */
export function isBusEvent(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'detail-type' in input && 'detail' in input;
}

const LIVE = new Set(['OPEN', 'PARTIALLY_PAID', 'OVERDUE', 'DISPUTED']);

export type RefreshOutcome =
  | { readonly outcome: 'refreshed'; readonly eventId: string; readonly customerId: string; readonly predictions: number }
  | { readonly outcome: 'duplicate' | 'not-relevant' | 'no-model'; readonly eventId: string };

/**
 * Predicts the open items of the event's customer again with the stored model, each stored with
 * `computedAt` (the one clock) and `refreshedBy` (the event type).
 *
 * @throws ValidationError when the input is not an EventBridge event carrying a domain event.
 */
export async function refreshOnEvent(deps: EventRefreshDeps, input: unknown): Promise<RefreshOutcome> {
  const event = parseWith(busEvent, input);
  const { eventId, eventType, customerId } = event.detail;
  if (!PREDICTION_REFRESH_EVENTS.includes(eventType) || event['detail-type'] !== eventType || customerId === null) return { outcome: 'not-relevant', eventId };
  if (await deps.store.refreshed(eventId)) return { outcome: 'duplicate', eventId };
  const stored = await deps.store.currentModel();
  // No model yet: the first prediction run trains one and predicts everything.
  if (!stored) return { outcome: 'no-model', eventId };
  const now = deps.clock.now();
  const cutoff = addCalendarDays(calendarDateIn(now, deps.settings.businessTimeZone), 1);
  const [invoices, customer] = await Promise.all([deps.invoices.allOfCustomer(customerId), deps.customers.get(customerId)]);
  const real = invoices.filter((i) => !i.chargesOf && i.status !== 'CREDITED');
  const history = real.map((i) => historyOf(i, customer, deps.settings.businessTimeZone));
  const knowledge = withPopulation(knowledgeAt(history, cutoff), await deps.store.population());
  const historyById = new Map(history.map((h) => [h.invoiceId, h]));
  const computedAt = now.toISOString();
  const predictions: PaymentPrediction[] = real
    .filter((i) => LIVE.has(i.status) && i.balanceMinor > 0)
    .map((i) => ({ ...predictPayment(stored.model, knowledge, historyById.get(i.invoiceId)!), computedAt, refreshedBy: eventType }));
  await deps.store.savePredictions(predictions);
  await deps.store.markRefreshed(eventId, computedAt);
  return { outcome: 'refreshed', eventId, customerId, predictions: predictions.length };
}
