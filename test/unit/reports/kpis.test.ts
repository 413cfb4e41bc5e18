import { describe, expect, it } from 'vitest';
import { collectionEffectivenessIndex, countbackDso, countPromiseOutcomes, kpiCsv, kpiReport, type LedgerLine } from '../../../lambdas/core/reports/kpis';

let journalNo = 0;
function invoice(id: string, at: string, minor: number, currency = 'EUR'): LedgerLine[] {
  journalNo += 1;
  return [
    { journalId: `j${journalNo}`, event: 'InvoiceIssued', postedAt: at, account: 'receivables', side: 'debit', amountMinor: minor, currency, reference: id },
    { journalId: `j${journalNo}`, event: 'InvoiceIssued', postedAt: at, account: 'revenue', side: 'credit', amountMinor: minor, currency, reference: id },
  ];
}
function payment(at: string, minor: number, appliedTo?: string, currency = 'EUR'): LedgerLine[] {
  journalNo += 1;
  const id = `p${journalNo}`;
  return [
    { journalId: `j${journalNo}`, event: 'PaymentReceived', postedAt: at, account: 'cash', side: 'debit', amountMinor: minor, currency, reference: id },
    appliedTo
      ? { journalId: `j${journalNo}`, event: 'PaymentReceived', postedAt: at, account: 'receivables', side: 'credit', amountMinor: minor, currency, reference: appliedTo }
      : { journalId: `j${journalNo}`, event: 'PaymentReceived', postedAt: at, account: 'unapplied-cash', side: 'credit', amountMinor: minor, currency, reference: id },
  ];
}

describe('DSO, countback method', () => {
  it('takes away whole months of credit sales, then the fraction of the month that covers the rest', () => {
    // 4000 receivables; March 31 days with 2500 sales: 31 days, 1500 left; February 28 days with
    // 2000 sales covers it: 1500 / 2000 x 28 = 21 days. DSO = 52.
    expect(countbackDso(400000, [{ salesMinor: 250000, days: 31 }, { salesMinor: 200000, days: 28 }])).toEqual({ days: 52, lowerBound: false });
  });

  it('is zero without receivables, and a lower bound when the sales history runs out', () => {
    expect(countbackDso(0, [{ salesMinor: 100, days: 31 }])).toEqual({ days: 0, lowerBound: false });
    // 5000 owed; January's 1000 sales: 31 days, 4000 left; February no sales: 28 more days; history ends.
    expect(countbackDso(5000, [{ salesMinor: 1000, days: 31 }, { salesMinor: 0, days: 28 }])).toEqual({ days: 59, lowerBound: true });
  });

  it('rounds to one decimal: 100 owed, 300 sold in a 30-day month = 10 days; 1 of 3 in 31 days = 10.3', () => {
    expect(countbackDso(100, [{ salesMinor: 300, days: 30 }]).days).toBe(10);
    expect(countbackDso(1, [{ salesMinor: 3, days: 31 }]).days).toBe(10.3);
  });
});

describe('CEI', () => {
  it('is (beginning + sales - ending) / (beginning + sales - ending current) x 100', () => {
    // (2000 + 2500 - 4000) / (2000 + 2500 - 2500) = 500 / 2000 = 25 %
    expect(collectionEffectivenessIndex(2000, 2500, 4000, 2500)).toBe(25);
    // everything collected that could be: 100 %
    expect(collectionEffectivenessIndex(1000, 2000, 2000, 2000)).toBe(100);
    expect(collectionEffectivenessIndex(0, 1000, 1000, 1000)).toBeNull();
  });
});

describe('KPI report', () => {
  /*
   * Worked example in EUR (business time zone UTC), reported for March 2026 with a 3-month trend:
   *   2026-01-10 invoice I1 1000.00, due 2026-02-09
   *   2026-02-05 invoice I2 2000.00, due 2026-03-07
   *   2026-02-20 payment 1000.00 applied to I1
   *   2026-03-03 invoice I3 1500.00, due 2026-04-02
   *   2026-03-15 payment  500.00 applied to I2
   *   2026-03-20 payment  200.00 left unapplied (cash collected, receivables unchanged)
   *   2026-03-25 invoice I4 1000.00, due 2026-04-24
   * March: beginning AR 2000 (I2); sales 2500 (I3 + I4); ending AR 4000 (I2 1500, I3, I4);
   *   current at 03-31: I3 + I4 = 2500, overdue I2 1500; CEI = (2000+2500-4000)/(2000+2500-2500) = 25.0;
   *   DSO = 31 + 1500/2000 x 28 = 52.0; collected 500 + 200 = 700.00.
   * February: beginning 1000; sales 2000; ending 2000 (I2, due 03-07: current);
   *   CEI = 1000/1000 = 100.0; DSO = 2000/2000 x 28 = 28.0; collected 1000.00.
   * January: beginning 0; sales 1000; ending 1000 (current): CEI null (0/0); DSO 1000/1000 x 31 = 31.0.
   */
  const lines = [
    ...invoice('I1', '2026-01-10T09:00:00.000Z', 100000),
    ...invoice('I2', '2026-02-05T09:00:00.000Z', 200000),
    ...payment('2026-02-20T09:00:00.000Z', 100000, 'I1'),
    ...invoice('I3', '2026-03-03T09:00:00.000Z', 150000),
    ...payment('2026-03-15T10:00:00.000Z', 50000, 'I2'),
    ...payment('2026-03-20T09:00:00.000Z', 20000),
    ...invoice('I4', '2026-03-25T09:00:00.000Z', 100000),
  ];
  const dueDates = new Map([
    ['I1', '2026-02-09'],
    ['I2', '2026-03-07'],
    ['I3', '2026-04-02'],
    ['I4', '2026-04-24'],
  ]);
  const report = kpiReport({ lines, dueDates, period: '2026-03', today: '2026-04-10', timeZone: 'UTC', trendMonths: 3 });

  it('computes the month: receivables, sales, collected, DSO and CEI', () => {
    expect(report).toMatchObject({ period: '2026-03', from: '2026-03-01', to: '2026-03-31' });
    expect(report.currencies).toEqual([
      {
        currency: 'EUR',
        beginningReceivables: '2000.00',
        creditSales: '2500.00',
        endingReceivables: '4000.00',
        endingCurrentReceivables: '2500.00',
        endingOverdueReceivables: '1500.00',
        collected: '700.00',
        dso: 52,
        dsoLowerBound: false,
        cei: 25,
      },
    ]);
  });

  it('gives the trend of the months before, the reported month last', () => {
    expect(report.trend.map((t) => [t.period, t.from, t.to, t.currencies[0]?.dso, t.currencies[0]?.cei, t.currencies[0]?.collected])).toEqual([
      ['2026-01', '2026-01-01', '2026-01-31', 31, null, '0.00'],
      ['2026-02', '2026-02-01', '2026-02-28', 28, 100, '1000.00'],
      ['2026-03', '2026-03-01', '2026-03-31', 52, 25, '700.00'],
    ]);
  });

  it('ends the running month today: March up to the 15th', () => {
    // Ending AR at the end of 03-15: I2 1500 + I3 1500 = 3000; sales 1500 (I3); current I3 1500.
    // DSO = 15 days of March (1500 sold, 1500 left) + 1500/2000 x 28 = 36.0;
    // CEI = (2000 + 1500 - 3000) / (2000 + 1500 - 1500) = 25.0.
    const running = kpiReport({ lines, dueDates, period: '2026-03', today: '2026-03-15', timeZone: 'UTC', trendMonths: 1 });
    expect(running).toMatchObject({ from: '2026-03-01', to: '2026-03-15' });
    expect(running.currencies[0]).toMatchObject({ endingReceivables: '3000.00', creditSales: '1500.00', dso: 36, cei: 25, collected: '500.00' });
  });

  it('reads month boundaries in the business time zone', () => {
    // 2026-02-28T23:30Z is already March 1st in Berlin: a March sale there, a February sale in UTC.
    const late = invoice('L1', '2026-02-28T23:30:00.000Z', 10000);
    const dates = new Map([['L1', '2026-03-30']]);
    const berlin = kpiReport({ lines: late, dueDates: dates, period: '2026-03', today: '2026-03-31', timeZone: 'Europe/Berlin', trendMonths: 2 });
    const utc = kpiReport({ lines: late, dueDates: dates, period: '2026-03', today: '2026-03-31', timeZone: 'UTC', trendMonths: 2 });
    expect(berlin.trend.map((t) => t.currencies[0]?.creditSales)).toEqual(['0.00', '100.00']);
    expect(utc.trend.map((t) => t.currencies[0]?.creditSales)).toEqual(['100.00', '0.00']);
  });

  it('keeps currencies apart', () => {
    // JPY: 5000 sold in March and all of it owed: 5000/5000 x 31 = 31 days, whatever EUR does.
    const mixed = kpiReport({
      lines: [...lines, ...invoice('Y1', '2026-03-05T00:00:00.000Z', 5000, 'JPY')],
      dueDates: new Map([...dueDates, ['Y1', '2026-04-04']]),
      period: '2026-03',
      today: '2026-03-31',
      timeZone: 'UTC',
      trendMonths: 1,
    });
    expect(mixed.currencies.map((c) => [c.currency, c.endingReceivables, c.dso])).toEqual([
      ['EUR', '4000.00', 52],
      ['JPY', '5000', 31],
    ]);
  });

  it('reports the auto-match rate from statement results, and n/a without them', () => {
    expect(report.autoMatch).toBe('n/a');
    expect(report.promises).toBe('n/a');
    const withStatements = kpiReport({
      lines,
      dueDates,
      period: '2026-03',
      today: '2026-03-31',
      timeZone: 'UTC',
      trendMonths: 1,
      // March: 8 of 10 lines applied automatically = 80 %; with February's 1 of 5: 9 of 15 = 60 %.
      statements: [
        { receivedAt: '2026-03-10T08:00:00.000Z', creditLines: 10, appliedAutomatically: 8 },
        { receivedAt: '2026-02-10T08:00:00.000Z', creditLines: 5, appliedAutomatically: 1 },
      ],
      promises: { kept: 3, broken: 1 },
    });
    expect(withStatements.autoMatch).toEqual({
      period: { creditLines: 10, appliedAutomatically: 8, rate: 80 },
      allTime: { creditLines: 15, appliedAutomatically: 9, rate: 60 },
    });
    expect(withStatements.promises).toEqual({ kept: 3, broken: 1 });
  });

  it('writes CSV with one metric per row', () => {
    const rows = kpiCsv(report).trim().split('\r\n');
    expect(rows[0]).toBe('period,from,to,currency,metric,value');
    expect(rows).toContain('2026-03,2026-03-01,2026-03-31,EUR,dso,52');
    expect(rows).toContain('2026-03,2026-03-01,2026-03-31,EUR,cei,25');
    expect(rows).toContain('2026-01,2026-01-01,2026-01-31,EUR,cei,');
    expect(rows).toContain('2026-03,2026-03-01,2026-03-31,EUR,collected,700.00');
    expect(rows.slice(-3)).toEqual([
      '2026-03,2026-03-01,2026-03-31,,autoMatchRate,n/a',
      '2026-03,2026-03-01,2026-03-31,,promisesKept,n/a',
      '2026-03,2026-03-01,2026-03-31,,promisesBroken,n/a',
    ]);
  });
});

describe('promises kept and broken', () => {
  it('counts the promises closed in the window, by how they ended', () => {
    // March (UTC): P1 kept 03-05, P2 broken 03-31 23:59, P3 kept 04-01 00:00 (April), P4 still open,
    // P5 broken in February. March: 1 kept, 1 broken.
    const promises = [
      { status: 'kept', closedAt: '2026-03-05T06:00:00.000Z' },
      { status: 'broken', closedAt: '2026-03-31T23:59:59.000Z' },
      { status: 'kept', closedAt: '2026-04-01T00:00:00.000Z' },
      { status: 'open', closedAt: null },
      { status: 'broken', closedAt: '2026-02-27T06:00:00.000Z' },
    ];
    expect(countPromiseOutcomes(promises, '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z')).toEqual({ kept: 1, broken: 1 });
  });
});
