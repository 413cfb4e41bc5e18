import { describe, expect, it } from 'vitest';
import { rankByValueAtStake, isSharpRise, customerRisk } from '../../../lambdas/core/prediction/risk';
import { cashInForecast, forecastAccuracy } from '../../../lambdas/core/prediction/forecast';
import { knowledgeAt } from '../../../lambdas/core/prediction/features';
import { dateOfDay, dayNumber, type HistoryInvoice } from '../../../lambdas/core/prediction/history';
import { trainPaymentModel } from '../../../lambdas/core/prediction/model';

const late = (over30: number) => ({ probabilityLate: { over0: Math.max(over30, 0.5), over30, over60: over30 / 2 } });

describe('ranking open items by value at stake', () => {
  it('puts a large item likely to be long late before an older small one', () => {
    const items = [
      { invoiceId: 'OLD-SMALL', customerId: 'A', currency: 'EUR', openMinor: 10_000, dueDate: '2025-11-01' },
      { invoiceId: 'BIG-RISKY', customerId: 'B', currency: 'EUR', openMinor: 1_000_000, dueDate: '2026-02-20' },
      { invoiceId: 'BIG-SAFE', customerId: 'C', currency: 'EUR', openMinor: 2_000_000, dueDate: '2026-02-10' },
      { invoiceId: 'YEN', customerId: 'D', currency: 'JPY', openMinor: 500_000, dueDate: '2026-02-10' },
    ];
    const predictions = new Map([
      ['OLD-SMALL', late(1)],
      ['BIG-RISKY', late(0.8)],
      ['BIG-SAFE', late(0.05)],
      ['YEN', late(0.9)],
    ]);
    const ranked = rankByValueAtStake(items, predictions, '2026-03-01');
    // EUR 8,000 at stake, JPY 450,000 compared as 450,000 major units, EUR 1,000, EUR 100
    expect(ranked.map((r) => r.item.invoiceId)).toEqual(['YEN', 'BIG-RISKY', 'BIG-SAFE', 'OLD-SMALL']);
    expect(ranked[1]!.valueAtStakeMinor).toBe(800_000);
  });

  it('counts an item without prediction by how overdue it is, and breaks ties by the older due date', () => {
    const items = [
      { invoiceId: 'B', customerId: 'A', currency: 'EUR', openMinor: 10_000, dueDate: '2026-01-01' },
      { invoiceId: 'A', customerId: 'A', currency: 'EUR', openMinor: 10_000, dueDate: '2025-12-01' },
      { invoiceId: 'C', customerId: 'A', currency: 'EUR', openMinor: 10_000, dueDate: '2026-02-25' },
    ];
    const ranked = rankByValueAtStake(items, new Map(), '2026-03-01');
    expect(ranked.map((r) => [r.item.invoiceId, r.probabilityLongDelay])).toEqual([['A', 1], ['B', 1], ['C', 0.5]]);
  });
});

describe('the cash-in forecast', () => {
  it('puts each item\'s amount in the weeks its distribution covers, per currency', () => {
    const certain = Array.from({ length: 21 }, () => 3); // paid exactly 3 days after due
    const spread = Array.from({ length: 21 }, (_, k) => k * 0.7); // 0..14 days after due
    const weeks = cashInForecast(
      [
        { invoiceId: 'A', currency: 'EUR', openMinor: 100_000, dueDate: '2026-03-02', latenessQuantiles: certain },
        { invoiceId: 'B', currency: 'EUR', openMinor: 50_000, dueDate: '2026-03-01', latenessQuantiles: spread },
        { invoiceId: 'C', currency: 'USD', openMinor: 70_000, dueDate: '2026-03-01', latenessQuantiles: certain },
      ],
      '2026-03-01',
      3,
    );
    expect(weeks.map((w) => `${w.currency} ${w.weekStart}`)).toEqual(['EUR 2026-03-01', 'EUR 2026-03-08', 'EUR 2026-03-15', 'USD 2026-03-01', 'USD 2026-03-08', 'USD 2026-03-15']);
    const eur = weeks.filter((w) => w.currency === 'EUR');
    expect(eur.reduce((a, w) => a + w.expectedMinor, 0)).toBeGreaterThanOrEqual(149_990);
    expect(eur[0]!.expectedMinor).toBeGreaterThan(100_000);
    expect(weeks[3]!.expectedMinor).toBe(70_000);
    for (const w of weeks) expect(w.lowMinor <= w.expectedMinor && w.expectedMinor <= w.highMinor).toBe(true);
  });

  it('measures the weighted absolute percentage error against what arrived', () => {
    const accuracy = forecastAccuracy(
      [
        { weekStart: '2026-03-01', currency: 'EUR', expectedMinor: 100, lowMinor: 80, highMinor: 120 },
        { weekStart: '2026-03-08', currency: 'EUR', expectedMinor: 100, lowMinor: 80, highMinor: 120 },
      ],
      [
        { currency: 'EUR', amountMinor: 110, paidDate: '2026-03-03' },
        { currency: 'EUR', amountMinor: 50, paidDate: '2026-03-14' },
        { currency: 'USD', amountMinor: 999, paidDate: '2026-03-14' },
      ],
    );
    expect(accuracy).toEqual([
      {
        currency: 'EUR',
        wape: Math.round((60 / 160) * 1000) / 1000,
        coverage: 0.5,
        weeks: [
          { weekStart: '2026-03-01', expectedMinor: 100, actualMinor: 110 },
          { weekStart: '2026-03-08', expectedMinor: 100, actualMinor: 50 },
        ],
      },
    ]);
  });
});

describe('customer risk', () => {
  it('flags a sharp rise only when the score rose by 0.15 and by half', () => {
    expect(isSharpRise(0.1, 0.3)).toBe(true);
    expect(isSharpRise(0.5, 0.66)).toBe(false);
    expect(isSharpRise(null, 0.9)).toBe(false);
    expect(isSharpRise(0.02, 0.1)).toBe(false);
  });

  it('scores a customer whose open items are long overdue above a punctual one, with reasons and a smaller credit limit', () => {
    const invoices: HistoryInvoice[] = [];
    for (const [id, lateness, stopsOn] of [['GOOD', 0, null], ['BAD', 20, '2025-11-01'], ['OTHER', 5, null]] as const) {
      for (let day = dayNumber('2025-01-01'), n = 0; day < dayNumber('2026-01-01'); day += 7, n++) {
        const paid = day + 30 + lateness;
        invoices.push({
          invoiceId: `${id}-${n}`,
          customerId: id,
          country: 'DE',
          issueDate: dateOfDay(day),
          dueDate: dateOfDay(day + 30),
          amountMinor: 100_000,
          currency: 'EUR',
          disputedOn: null,
          channel: 'electronic',
          paidDate: stopsOn !== null && paid >= dayNumber(stopsOn) ? null : dateOfDay(paid),
        });
      }
    }
    const model = trainPaymentModel(invoices, '2026-01-01', { boost: { rounds: 30, depth: 2, learningRate: 0.2, minLeaf: 10 } });
    const knowledge = knowledgeAt(invoices, '2026-01-01');
    const good = customerRisk(model, knowledge, invoices.filter((i) => i.customerId === 'GOOD'), 0.01)!;
    const bad = customerRisk(model, knowledge, invoices.filter((i) => i.customerId === 'BAD'), 0.05)!;
    expect(bad.score).toBeGreaterThan(0.2);
    expect(bad.score).toBeGreaterThan(good.score + 0.2);
    expect(good.score).toBeLessThan(0.1);
    expect(bad.sharpRise).toBe(true);
    expect(bad.reasons[0]).toMatch(/^risk rose from 5% to \d+% in a month$/);
    expect(bad.reasons[1]).toMatch(/open invoices? likely to be paid more than 60 days late/);
    expect(good.sharpRise).toBe(false);
    expect(bad.suggestedCreditLimitMinor).toBeLessThan(good.suggestedCreditLimitMinor);
    expect(good.suggestedCreditLimitMinor % 10_000).toBe(0);
  });
});
