import { describe, expect, it } from 'vitest';
import { knowledgeAt } from '../../../lambdas/core/prediction/features';
import { dateOfDay, dayNumber, type HistoryInvoice } from '../../../lambdas/core/prediction/history';
import { cdfAt, predictPayment, probabilityOver, trainPaymentModel } from '../../../lambdas/core/prediction/model';
import { fitBoostedTrees, predictBoostedTrees, contributionsBoostedTrees } from '../../../lambdas/core/prediction/gbt';

/** Customers with fixed habits: each pays exactly `lateness` days after due, an invoice every 10 days. */
function habits(customers: readonly { id: string; country: string; channel: string; lateness: number }[], from: string, to: string): HistoryInvoice[] {
  const invoices: HistoryInvoice[] = [];
  for (const c of customers) {
    for (let day = dayNumber(from), n = 0; day < dayNumber(to); day += 10, n++) {
      invoices.push({
        invoiceId: `${c.id}-${n}`,
        customerId: c.id,
        country: c.country,
        issueDate: dateOfDay(day),
        dueDate: dateOfDay(day + 30),
        amountMinor: 50_000,
        currency: 'EUR',
        disputedOn: null,
        channel: c.channel,
        paidDate: dateOfDay(day + 30 + c.lateness),
      });
    }
  }
  return invoices;
}

const CUSTOMERS = [
  { id: 'PUNCTUAL', country: 'DE', channel: 'electronic', lateness: 0 },
  { id: 'TEN', country: 'DE', channel: 'electronic', lateness: 10 },
  { id: 'FORTY', country: 'IT', channel: 'paper', lateness: 40 },
  { id: 'FORTY-TWO', country: 'IT', channel: 'paper', lateness: 42 },
  { id: 'FIFTY', country: 'IT', channel: 'paper', lateness: 50 },
];
const CUTOFF = '2026-01-01';
const history = habits(CUSTOMERS, '2025-01-01', CUTOFF);
const model = trainPaymentModel(history, CUTOFF, { boost: { rounds: 80, depth: 3, learningRate: 0.2, minLeaf: 10 } });
const knowledge = knowledgeAt(history, CUTOFF);
const newInvoice = (customerId: string, country: string, channel: string): HistoryInvoice => ({
  invoiceId: `${customerId}-new`,
  customerId,
  country,
  issueDate: CUTOFF,
  dueDate: '2026-01-31',
  amountMinor: 50_000,
  currency: 'EUR',
  disputedOn: null,
  channel,
  paidDate: null,
});

describe('the payment-date model on customers with known habits', () => {
  it('predicts each customer\'s own lateness, within a day', () => {
    for (const c of CUSTOMERS) {
      const p = predictPayment(model, knowledge, newInvoice(c.id, c.country, c.channel));
      expect(Math.abs(p.latenessDays - c.lateness), c.id).toBeLessThanOrEqual(1);
      expect(p.basis).toBe('customer history');
      expect(p.low <= p.predictedPaidDate && p.predictedPaidDate <= p.high).toBe(true);
    }
  });

  it('gives late probabilities in order and that match the habit', () => {
    const punctual = predictPayment(model, knowledge, newInvoice('PUNCTUAL', 'DE', 'electronic')).probabilityLate;
    const late = predictPayment(model, knowledge, newInvoice('FIFTY', 'IT', 'paper')).probabilityLate;
    for (const p of [punctual, late]) expect(p.over0 >= p.over30 && p.over30 >= p.over60).toBe(true);
    expect(punctual.over30).toBeLessThan(0.1);
    expect(late.over30).toBeGreaterThan(0.9);
    expect(late.over60).toBeLessThan(0.5);
  });

  it('predicts a customer without history from similar customers (same country and channel), and says so', () => {
    const p = predictPayment(model, knowledge, newInvoice('NEWCOMER', 'IT', 'paper'));
    expect(p.basis).toBe('similar customers');
    expect(p.reasons[0]).toMatch(/^no payment history: predicted from similar customers \(IT, paper, \d+ payments\)/);
    expect(p.latenessDays).toBeGreaterThanOrEqual(38);
    expect(p.latenessDays).toBeLessThanOrEqual(50);
  });

  it('never predicts an open invoice paid before the cutoff', () => {
    const overdue: HistoryInvoice = { ...newInvoice('PUNCTUAL', 'DE', 'electronic'), invoiceId: 'OLD', issueDate: '2025-10-01', dueDate: '2025-10-31' };
    const p = predictPayment(model, knowledge, overdue);
    expect(p.predictedPaidDate >= CUTOFF).toBe(true);
    expect(p.low >= CUTOFF).toBe(true);
    expect(p.probabilityLate.over60).toBe(1);
    expect(p.reasons.join(' ')).toMatch(/already 62 days past due/);
  });

  it('explains a prediction by the customer\'s history in words', () => {
    const p = predictPayment(model, knowledge, newInvoice('FORTY', 'IT', 'paper'));
    expect(p.reasons.some((r) => /customer paid its last 6 invoices 40 days late on average|customers in IT receiving paper invoices pay/.test(r))).toBe(true);
  });

  it('keeps its held-out evaluation beside it', () => {
    expect(model.evaluation.heldOutExamples).toBeGreaterThan(0);
    expect(model.evaluation.maeDays['shrunk-median']).toBeLessThan(model.evaluation.maeDays['due-date']);
    expect(model.version).toBe(`${CUTOFF}-${model.kind}`);
  });
});

describe('boosted trees', () => {
  it('learn a step in one feature and attribute it to that feature', () => {
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      x.push([i % 20, (i * 7) % 13]);
      y.push(i % 20 >= 10 ? 30 : 5);
    }
    const trees = fitBoostedTrees(x, y, { rounds: 60, depth: 2, learningRate: 0.2, minLeaf: 10 });
    expect(predictBoostedTrees(trees, [15, 3])).toBeCloseTo(30, 0);
    expect(predictBoostedTrees(trees, [2, 3])).toBeCloseTo(5, 0);
    const { base, byFeature } = contributionsBoostedTrees(trees, [15, 3]);
    expect(base + byFeature[0]! + byFeature[1]!).toBeCloseTo(predictBoostedTrees(trees, [15, 3]), 6);
    expect(Math.abs(byFeature[0]!)).toBeGreaterThan(Math.abs(byFeature[1]!));
  });
});

describe('reading the predictive distribution', () => {
  it('interpolates between quantile points', () => {
    const q = Array.from({ length: 21 }, (_, k) => k); // lateness 0..20 uniformly
    expect(cdfAt(q, -1)).toBe(0);
    expect(cdfAt(q, 10)).toBeCloseTo(0.5, 6);
    expect(cdfAt(q, 25)).toBe(1);
    expect(probabilityOver(q, 15)).toBeCloseTo(0.25, 6);
  });
});
