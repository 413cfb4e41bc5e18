import { describe, expect, it } from 'vitest';
import { agingBucketOf, agingCsv, agingReport, type AgingItem } from '../../../lambdas/core/reports/aging';

const item = (overrides: Partial<AgingItem> & Pick<AgingItem, 'invoiceId' | 'balanceMinor' | 'dueDate'>): AgingItem => ({
  customerId: 'acme',
  customerName: 'ACME GmbH',
  currency: 'EUR',
  issueDate: '2026-01-01',
  ...overrides,
});

describe('aging buckets', () => {
  it('puts due today and not yet due in current, then 1-30, 31-60, 61-90, over 90 days past due', () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map(agingBucketOf)).toEqual([
      'current', 'current', '1-30', '1-30', '31-60', '31-60', '61-90', '61-90', 'over-90', 'over-90',
    ]);
  });
});

describe('aging report', () => {
  /*
   * Worked example, as of 2026-06-30:
   *   EUR  acme  A1 100.00 due 2026-07-10 -> not yet due          -> current
   *        acme  A2 250.00 due 2026-06-30 -> due today (0 days)   -> current
   *        acme  A3  40.50 due 2026-06-15 -> 15 days past due     -> 1-30
   *        acme  A4  10.00 due 2026-05-01 -> 60 days past due     -> 31-60
   *        bolt  B1 500.00 due 2026-04-01 -> 90 days past due     -> 61-90
   *        bolt  B2   7.25 due 2026-03-31 -> 91 days past due     -> over-90
   *        bolt  B3   0.00 (paid)                                  -> left out
   *        bolt  B4  99.00 issued 2026-07-01 (after asOf)          -> left out
   *   JPY  kyo   K1 12000 due 2026-06-29 -> 1 day                  -> 1-30
   * EUR: current 350.00, 1-30 40.50, 31-60 10.00, 61-90 500.00, over-90 7.25;
   *      total 907.75, overdue 557.75; acme 400.50 (4 items), bolt 507.25 (2 items): bolt first.
   * JPY: 1-30 12000, total 12000: never added to EUR.
   */
  const items: AgingItem[] = [
    item({ invoiceId: 'A1', balanceMinor: 10000, dueDate: '2026-07-10' }),
    item({ invoiceId: 'A2', balanceMinor: 25000, dueDate: '2026-06-30' }),
    item({ invoiceId: 'A3', balanceMinor: 4050, dueDate: '2026-06-15' }),
    item({ invoiceId: 'A4', balanceMinor: 1000, dueDate: '2026-05-01' }),
    item({ invoiceId: 'B1', customerId: 'bolt', customerName: 'Bolt, "Nuts" & Co', balanceMinor: 50000, dueDate: '2026-04-01' }),
    item({ invoiceId: 'B2', customerId: 'bolt', customerName: 'Bolt, "Nuts" & Co', balanceMinor: 725, dueDate: '2026-03-31' }),
    item({ invoiceId: 'B3', customerId: 'bolt', customerName: 'Bolt, "Nuts" & Co', balanceMinor: 0, dueDate: '2026-03-31' }),
    item({ invoiceId: 'B4', customerId: 'bolt', customerName: 'Bolt, "Nuts" & Co', balanceMinor: 9900, dueDate: '2026-07-31', issueDate: '2026-07-01' }),
    item({ invoiceId: 'K1', customerId: 'kyo', customerName: '=HYPERLINK("x")', currency: 'JPY', balanceMinor: 12000, dueDate: '2026-06-29' }),
  ];
  const report = agingReport(items, '2026-06-30');

  it('sums each currency into its buckets, with the total and the overdue part', () => {
    const [eur, jpy] = report.currencies;
    expect(report.currencies.map((c) => c.currency)).toEqual(['EUR', 'JPY']);
    expect(eur).toMatchObject({
      buckets: { current: '350.00', '1-30': '40.50', '31-60': '10.00', '61-90': '500.00', 'over-90': '7.25' },
      total: '907.75',
      overdue: '557.75',
      itemCount: 6,
    });
    expect(jpy).toMatchObject({ buckets: { current: '0', '1-30': '12000', '31-60': '0', '61-90': '0', 'over-90': '0' }, total: '12000', overdue: '12000', itemCount: 1 });
  });

  it('breaks each currency down by customer, largest total first', () => {
    const eur = report.currencies[0]!;
    expect(eur.customers.map((c) => [c.customerId, c.total, c.overdue, c.itemCount])).toEqual([
      ['bolt', '507.25', '507.25', 2],
      ['acme', '400.50', '50.50', 4],
    ]);
    expect(eur.customers[1]!.buckets).toEqual({ current: '350.00', '1-30': '40.50', '31-60': '10.00', '61-90': '0.00', 'over-90': '0.00' });
  });

  it('is empty without open items', () => {
    expect(agingReport([], '2026-06-30')).toEqual({ asOf: '2026-06-30', buckets: ['current', '1-30', '31-60', '61-90', 'over-90'], currencies: [] });
  });

  it('writes CSV rows per customer and a total per currency, quoting customer text and defusing formulas', () => {
    const lines = agingCsv(report).split('\r\n');
    expect(lines[0]).toBe('asOf,currency,customerId,customerName,current,1-30,31-60,61-90,over-90,total,overdue,items');
    expect(lines[1]).toBe('2026-06-30,EUR,bolt,"Bolt, ""Nuts"" & Co",0.00,0.00,0.00,500.00,7.25,507.25,507.25,2');
    expect(lines[2]).toBe('2026-06-30,EUR,acme,ACME GmbH,350.00,40.50,10.00,0.00,0.00,400.50,50.50,4');
    expect(lines[3]).toBe('2026-06-30,EUR,(all),,350.00,40.50,10.00,500.00,7.25,907.75,557.75,6');
    expect(lines[4]).toBe(`2026-06-30,JPY,kyo,"'=HYPERLINK(""x"")",0,12000,0,0,0,12000,12000,1`);
    expect(lines[5]).toBe('2026-06-30,JPY,(all),,0,12000,0,0,0,12000,12000,1');
    expect(lines[6]).toBe('');
  });
});
