/** Generated payment histories (`test/benchmarks/prediction`) as the product's invoices, for the prediction tests. */
import type { Invoice } from '../../lambdas/core/invoices/invoice';
import type { HistoryInvoice } from '../../lambdas/core/prediction/history';
import type { PaymentPrediction } from '../../lambdas/core/prediction/model';
import type { PredictionStore, StoredForecast, StoredModel, StoredRisk } from '../../lambdas/core/prediction/refresh';
import type { PopulationFigures, RefreshStore } from '../../lambdas/core/prediction/event-refresh';

/** A generated history as the product's invoices (a payment allocation on the paid day, noon UTC). */
export function productInvoice(h: HistoryInvoice, asOf: string): Invoice {
  const paid = h.paidDate !== null && h.paidDate < asOf;
  const overdue = !paid && h.dueDate < asOf;
  return {
    invoiceId: h.invoiceId,
    number: h.invoiceId,
    series: 'INV',
    sequence: 1,
    rfReference: 'RF18539007547034',
    orderId: null,
    source: 'order',
    customerId: h.customerId,
    customerName: h.customerId,
    currency: h.currency,
    lines: [],
    totalMinor: h.amountMinor,
    paidMinor: paid ? h.amountMinor : 0,
    balanceMinor: paid ? 0 : h.amountMinor,
    status: paid ? 'PAID' : overdue ? 'OVERDUE' : 'OPEN',
    issueDate: h.issueDate,
    dueDate: h.dueDate,
    overdueAt: `${h.dueDate}T23:00:00.000Z`,
    overdueSince: null,
    issuedAt: `${h.issueDate}T09:00:00.000Z`,
    sentAt: h.channel === 'paper' ? null : `${h.issueDate}T09:00:00.000Z`,
    emailMessageId: null,
    allocations: paid ? [{ paymentId: `P-${h.invoiceId}`, amountMinor: h.amountMinor, at: `${h.paidDate}T12:00:00.000Z` }] : [],
    history: [],
    dunning: { level: 0, blockedUntil: null, history: [] },
  };
}


/** The Predictions table in memory: the run's port and the event refresh's. */
export class MemoryPredictionStore implements PredictionStore, RefreshStore {
  population_: PopulationFigures | null = null;
  refreshedIds = new Set<string>();
  models: StoredModel[] = [];
  stored = new Map<string, PaymentPrediction>();
  riskById = new Map<string, StoredRisk>();
  forecasts: StoredForecast[] = [];
  async currentModel() {
    return this.models.at(-1) ?? null;
  }
  async saveModel(model: StoredModel) {
    this.models.push(model);
  }
  async savePredictions(predictions: readonly PaymentPrediction[]) {
    for (const p of predictions) this.stored.set(p.invoiceId, p);
  }
  async predictions(ids: readonly string[]) {
    return new Map(ids.filter((id) => this.stored.has(id)).map((id) => [id, this.stored.get(id)!]));
  }
  async risks() {
    return new Map(this.riskById);
  }
  async risk(customerId: string) {
    return this.riskById.get(customerId) ?? null;
  }
  async saveRisks(risks: readonly StoredRisk[]) {
    for (const r of risks) this.riskById.set(r.customerId, r);
  }
  async forecastMadeOnOrBefore(date: string) {
    return [...this.forecasts].filter((f) => f.madeOn <= date).sort((a, b) => a.madeOn.localeCompare(b.madeOn)).at(-1) ?? null;
  }
  async saveForecast(forecast: StoredForecast) {
    this.forecasts.push(forecast);
  }
  async savePopulation(population: PopulationFigures) {
    this.population_ = population;
  }
  async population() {
    return this.population_;
  }
  async refreshed(eventId: string) {
    return this.refreshedIds.has(eventId);
  }
  async markRefreshed(eventId: string) {
    this.refreshedIds.add(eventId);
  }
}
