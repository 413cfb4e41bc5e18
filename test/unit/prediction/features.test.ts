import { describe, expect, it } from 'vitest';
import { featuresOf, knowledgeAt } from '../../../lambdas/core/prediction/features';
import { asKnownAt, dayNumber, type HistoryInvoice } from '../../../lambdas/core/prediction/history';
import { predictPayment, trainPaymentModel } from '../../../lambdas/core/prediction/model';
import { generateHistory } from '../../benchmarks/prediction/synthetic-history';

function invoice(id: string, customerId: string, issueDate: string, dueDate: string, paidDate: string | null, extra: Partial<HistoryInvoice> = {}): HistoryInvoice {
  return { invoiceId: id, customerId, country: 'DE', issueDate, dueDate, amountMinor: 100_000, currency: 'EUR', disputedOn: null, channel: 'electronic', paidDate, ...extra };
}

const CUTOFF = '2026-03-01';

describe('what is known at a cutoff', () => {
  it('counts a payment only when made before the cutoff, and drops later disputes, reminders, promises and invoices', () => {
    const paidOnCutoff = invoice('A', 'C1', '2026-01-01', '2026-01-31', CUTOFF, {
      disputedOn: '2026-03-02',
      reminders: ['2026-02-10', '2026-03-05'],
      promises: [{ madeOn: '2026-03-03', promisedFor: '2026-03-10' }],
    });
    const known = asKnownAt(paidOnCutoff, dayNumber(CUTOFF))!;
    expect(known.paidDate).toBeNull();
    expect(known.disputedOn).toBeNull();
    expect(known.reminders).toEqual(['2026-02-10']);
    expect(known.promises).toEqual([]);
    expect(asKnownAt(invoice('B', 'C1', CUTOFF, '2026-03-31', null), dayNumber(CUTOFF))).toBeNull();
    expect(asKnownAt(invoice('C', 'C1', '2026-01-01', '2026-01-31', '2026-02-28'), dayNumber(CUTOFF))!.paidDate).toBe('2026-02-28');
  });

  it('gives the same features and the same prediction whatever happened after the cutoff', () => {
    const history = generateHistory({ customers: 40, seed: 5, start: '2025-01-01', months: 14 });
    const c = dayNumber(CUTOFF);
    // Another future: every payment on or after the cutoff moved by 40 days or undone, disputes
    // and reminders added after the cutoff, and a flood of later invoices.
    const otherFuture: HistoryInvoice[] = history.map((i, n) =>
      i.paidDate !== null && dayNumber(i.paidDate) >= c
        ? { ...i, paidDate: n % 2 === 0 ? null : '2026-07-01', disputedOn: '2026-03-15', reminders: ['2026-03-20'] }
        : i,
    );
    for (let k = 0; k < 50; k++) otherFuture.push(invoice(`LATER-${k}`, history[k]!.customerId, '2026-04-01', '2026-05-01', '2026-09-30', { amountMinor: 9_999_999 }));
    const a = knowledgeAt(history, CUTOFF);
    const b = knowledgeAt(otherFuture, CUTOFF);
    const open = history.filter((i) => dayNumber(i.issueDate) < c && (i.paidDate === null || dayNumber(i.paidDate) >= c));
    expect(open.length).toBeGreaterThan(20);
    for (const i of open) expect(featuresOf(b, otherFuture.find((x) => x.invoiceId === i.invoiceId)!)).toEqual(featuresOf(a, i));
    const modelA = trainPaymentModel(history, CUTOFF, { boost: { rounds: 20, depth: 2, learningRate: 0.2, minLeaf: 20 } });
    const modelB = trainPaymentModel(otherFuture, CUTOFF, { boost: { rounds: 20, depth: 2, learningRate: 0.2, minLeaf: 20 } });
    expect(modelB).toEqual(modelA);
    for (const i of open.slice(0, 30)) expect(predictPayment(modelB, b, { ...i, disputedOn: null })).toEqual(predictPayment(modelA, a, { ...i, disputedOn: null }));
  });

  it('reads an open invoice that is already past due as at least that late, and a customer\'s other overdue items', () => {
    const history = [
      invoice('P1', 'C1', '2025-11-01', '2025-12-01', '2025-12-11'),
      invoice('O1', 'C1', '2026-01-01', '2026-01-31', null),
      invoice('O2', 'C1', '2026-02-01', '2026-03-03', '2026-03-10'),
    ];
    const k = knowledgeAt(history, CUTOFF);
    const o1 = featuresOf(k, history[1]!);
    expect(o1.pastDueAtCutoff).toBe(29);
    expect(o1.paidCount).toBe(1);
    expect(o1.customerMedian).toBe(10);
    const o2 = featuresOf(k, history[2]!);
    expect(o2.pastDueAtCutoff).toBe(0);
    expect(o2.otherOpenMaxOverdue).toBe(29);
  });
});
