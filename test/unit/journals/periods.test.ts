import { describe, expect, it } from 'vitest';
import { checkClose, datedInOpenPeriod, isClosed, nextPeriod, NO_PERIOD_CLOSED, periodDays, periodList, periodOf, periodStart } from '../../../lambdas/core/ledger/periods';
import { journal } from '../../../lambdas/core/ledger/ledger';
import { money } from '../../../lambdas/core/money/money';
import { ConflictError, ValidationError } from '../../../lambdas/core/errors';

const TZ = 'Europe/Berlin';
const aJournal = (postedAt: string) =>
  journal('payment-P-1', 'PaymentReceived', postedAt, [
    { account: 'cash', side: 'debit', amount: money(1_000, 'EUR'), reference: 'P-1' },
    { account: 'receivables', side: 'credit', amount: money(1_000, 'EUR'), reference: 'I-1' },
  ]);

describe('periods are months in the business time zone', () => {
  it('puts an instant in the month of its date in the zone, not in UTC', () => {
    expect(periodOf('2026-11-30T22:59:59.000Z', TZ)).toBe('2026-11');
    expect(periodOf('2026-11-30T23:00:00.000Z', TZ)).toBe('2026-12');
    expect(periodOf('2026-06-30T22:30:00.000Z', TZ)).toBe('2026-07'); // summer time: UTC+2
  });

  it('knows the next period, its days and when it begins', () => {
    expect(nextPeriod('2026-11')).toBe('2026-12');
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(periodDays('2028-02')).toEqual({ first: '2028-02-01', last: '2028-02-29' });
    expect(periodStart('2026-12', TZ).toISOString()).toBe('2026-11-30T23:00:00.000Z');
  });
});

describe('a journal dated in a closed period', () => {
  it('is booked at the start of the next open period, keeping its own date', () => {
    const moved = datedInOpenPeriod(aJournal('2026-11-30T10:00:00.000Z'), '2026-11', TZ);
    expect(moved.postedAt).toBe('2026-11-30T23:00:00.000Z');
    expect(moved.originalPostedAt).toBe('2026-11-30T10:00:00.000Z');
    expect(moved.lines).toEqual(aJournal('2026-11-30T10:00:00.000Z').lines);
  });

  it('goes past every closed period, however old its date', () => {
    expect(datedInOpenPeriod(aJournal('2026-09-15T10:00:00.000Z'), '2026-11', TZ).postedAt).toBe('2026-11-30T23:00:00.000Z');
  });

  it('is unchanged in an open period, or when nothing is closed', () => {
    const open = aJournal('2026-12-02T10:00:00.000Z');
    expect(datedInOpenPeriod(open, '2026-11', TZ)).toBe(open);
    expect(datedInOpenPeriod(aJournal('2026-11-30T10:00:00.000Z'), null, TZ).originalPostedAt).toBeUndefined();
  });
});

describe('closing a period', () => {
  const closedThroughOctober = { closedThrough: '2026-10', closed: [{ period: '2026-10', closedAt: '2026-11-02T08:00:00.000Z', closedBy: 'local-finance' }] };

  it('is allowed for the next period after the last closed one, also on the last day of the current month', () => {
    expect(() => checkClose(closedThroughOctober, '2026-11', '2026-11-30', null)).not.toThrow();
    expect(() => checkClose(closedThroughOctober, '2026-11', '2026-12-03', null)).not.toThrow();
  });

  it('is refused (409) for the current month before its last day, so a posting dated earlier in a month never meets a close', () => {
    expect(() => checkClose(closedThroughOctober, '2026-11', '2026-11-29', null)).toThrow(expect.objectContaining({ code: 'PERIOD_NOT_ENDING', message: expect.stringContaining('from its last day, 2026-11-30') }));
  });

  it('is refused (409) while an earlier period is open, naming it', () => {
    const refusal = () => checkClose(closedThroughOctober, '2026-12', '2027-01-05', null);
    expect(refusal).toThrow(ConflictError);
    expect(refusal).toThrow('Period 2026-11 is still open: close it before 2026-12');
    expect(() => checkClose(NO_PERIOD_CLOSED, '2026-11', '2026-12-01', '2026-10')).toThrow('Period 2026-10 has postings and is still open');
  });

  it('is refused (409) for a closed period and a period that has not begun', () => {
    expect(() => checkClose(closedThroughOctober, '2026-09', '2026-11-30', null)).toThrow(/closed already/);
    expect(() => checkClose(closedThroughOctober, '2026-12', '2026-11-30', null)).toThrow(/has not begun/);
  });

  it('is refused (400, naming period) for what is no month', () => {
    for (const bad of ['2026-13', '2026-1', 'november', '2026-11-01']) {
      try {
        checkClose(NO_PERIOD_CLOSED, bad, '2026-11-30', null);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).problems[0]?.field).toBe('period');
      }
    }
  });

  it('makes every period up to it closed', () => {
    expect(isClosed(closedThroughOctober, '2026-07')).toBe(true);
    expect(isClosed(closedThroughOctober, '2026-11')).toBe(false);
  });
});

describe('the list of periods', () => {
  it('shows the closed ones, then the open ones through the current month', () => {
    const list = periodList({ closedThrough: '2026-10', closed: [{ period: '2026-10', closedAt: '2026-11-02T08:00:00.000Z', closedBy: 'fin' }] }, '2026-12-05', null);
    expect(list.periods.map((p) => `${p.period} ${p.status}`)).toEqual(['2026-10 CLOSED', '2026-11 OPEN', '2026-12 OPEN']);
  });

  it('starts at the earliest posting when nothing is closed', () => {
    expect(periodList(NO_PERIOD_CLOSED, '2026-12-05', '2026-11').periods.map((p) => p.period)).toEqual(['2026-11', '2026-12']);
  });
});
