/** The local scheduler fires each schedule on the local clock at its time of day in the business time zone, in order, one finished before the next. */
import { afterEach, describe, expect, it } from 'vitest';
import { LocalClock } from '../../../local-aws/clock';
import { LocalScheduler, nextOccurrence, scheduledInput } from '../../../local-aws/scheduler';
import { schedules } from '../../../lib/definitions/schedules';

const daily6 = { daily: { hour: 6, minute: 0 } };
const clocks: LocalClock[] = [];
afterEach(() => clocks.splice(0).forEach((c) => c.dispose()));

describe('nextOccurrence', () => {
  it('is 06:00 in the business time zone, across daylight saving changes', () => {
    expect(nextOccurrence(daily6, new Date('2026-03-28T12:00:00Z'), 'Europe/Berlin').toISOString()).toBe('2026-03-29T04:00:00.000Z');
    expect(nextOccurrence(daily6, new Date('2026-03-28T04:59:00Z'), 'Europe/Berlin').toISOString()).toBe('2026-03-28T05:00:00.000Z');
    expect(nextOccurrence(daily6, new Date('2026-10-24T12:00:00Z'), 'Europe/Berlin').toISOString()).toBe('2026-10-25T05:00:00.000Z');
    expect(nextOccurrence(daily6, new Date('2026-11-26T05:00:00Z'), 'Europe/Berlin').toISOString()).toBe('2026-11-27T05:00:00.000Z');
    expect(nextOccurrence(daily6, new Date('2026-11-26T05:00:00Z'), 'Asia/Tokyo').toISOString()).toBe('2026-11-26T21:00:00.000Z');
  });

  it('fills in the scheduled time', () => {
    const dunning = schedules.find((s) => s.id === 'DailyDunningRun')!;
    expect(scheduledInput(dunning, new Date('2026-11-27T05:00:00Z'))).toEqual({ trigger: 'schedule', scheduledTime: '2026-11-27T05:00:00.000Z' });
  });
});

describe('LocalScheduler', () => {
  it('moving the clock three days fires three runs, in order, each finished before the clock moves on', async () => {
    const clock = new LocalClock({ settleTimeoutMs: 5_000 });
    clocks.push(clock);
    await clock.advanceTo(new Date(Date.now() + 1));
    const start = nextOccurrence(daily6, clock.now(), 'Europe/Berlin');
    const calls: { at: string; nowAtStart: string; nowAtEnd: string }[] = [];
    const scheduler = new LocalScheduler({
      clock,
      timeZone: 'Europe/Berlin',
      schedules: [{ id: 'Test', description: 'test', functionId: 'RunDunning', daily: daily6.daily, input: { scheduledTime: '<aws.scheduler.scheduled-time>' } }],
      invoke: async (_id, event) => {
        const nowAtStart = clock.now().toISOString();
        await new Promise((r) => setTimeout(r, 20));
        calls.push({ at: (event as { scheduledTime: string }).scheduledTime, nowAtStart, nowAtEnd: clock.now().toISOString() });
      },
    });
    scheduler.start();
    await clock.advanceTo(new Date(start.getTime() + 2 * 86_400_000 + 60_000));
    await scheduler.stop();
    expect(calls.map((c) => c.at)).toEqual([0, 1, 2].map((d) => new Date(start.getTime() + d * 86_400_000).toISOString()));
    // The clock waited for each run: it was still at the scheduled instant when the run ended.
    for (const c of calls) expect(c.nowAtEnd.slice(0, 16)).toBe(c.at.slice(0, 16));
    expect(scheduler.firings.every((f) => f.ok)).toBe(true);
  });
});
