/** The local clock moves forward only, at most a year at once, and tells how far a long move is. */
import { afterEach, describe, expect, it } from 'vitest';
import { ClockMovedBackwardsError, ClockMoveTooLargeError, LocalClock, MAX_MOVE_MS, type ClockProgress } from '../../../local-aws/clock';

const clocks: LocalClock[] = [];
afterEach(() => clocks.splice(0).forEach((c) => c.dispose()));

function aClock(onProgress?: (p: ClockProgress) => void): LocalClock {
  const clock = new LocalClock({ settleTimeoutMs: 5_000, ...(onProgress ? { onProgress } : {}) });
  clocks.push(clock);
  return clock;
}

describe('LocalClock limits', () => {
  it('refuses a move of more than a year, by duration or target, before it moves', async () => {
    const clock = aClock();
    const before = clock.nowMs();
    await expect(clock.advance('P9999999D')).rejects.toBeInstanceOf(ClockMoveTooLargeError);
    await expect(clock.advance('P367D')).rejects.toBeInstanceOf(ClockMoveTooLargeError);
    await expect(clock.advanceTo(new Date(before + MAX_MOVE_MS + 60_000))).rejects.toBeInstanceOf(ClockMoveTooLargeError);
    await expect(clock.advanceTo(new Date(before - 60_000))).rejects.toBeInstanceOf(ClockMovedBackwardsError);
    expect(clock.nowMs() - before).toBeLessThan(5_000);
    expect(clock.isMoving()).toBe(false);
  });

  it('takes a move of exactly a year', async () => {
    const clock = aClock();
    const before = clock.nowMs();
    await clock.advance('P366D');
    expect(clock.nowMs() - before).toBeGreaterThanOrEqual(MAX_MOVE_MS);
  });
});

describe('LocalClock progress', () => {
  it('reports each simulated week of a long move (with timers on the way), and the arrival', async () => {
    const reports: ClockProgress[] = [];
    const clock = aClock((p) => reports.push(p));
    const start = clock.nowMs();
    // A timer every day, like the daily dunning run.
    let fired = 0;
    const daily = async () => {
      for (let d = 1; d <= 30; d++) {
        await clock.sleepUntil(start + d * 86_400_000);
        fired++;
      }
    };
    void daily();
    const move = clock.advance('P30D');
    expect(clock.isMoving()).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    const seenWhileMoving = clock.progress();
    await move;

    expect(fired).toBe(30);
    // One line per week passed (the first step past each week's end), then the arrival.
    const days = reports.map((r) => Math.floor((Date.parse(r.now) - start) / 86_400_000));
    expect(days).toHaveLength(5);
    days.slice(0, 4).forEach((d, i) => expect(d - 7 * (i + 1)).toBeLessThanOrEqual(1));
    expect(days.at(-1)).toBe(30);
    expect(reports.at(-1)).toMatchObject({ percent: 100, timersFired: 30 });
    expect(seenWhileMoving?.to).toBe(reports.at(-1)?.to);
    expect(clock.progress()).toBeUndefined();
    expect(clock.isMoving()).toBe(false);
  });

  it('says nothing for a move of a week or less', async () => {
    const reports: ClockProgress[] = [];
    const clock = aClock((p) => reports.push(p));
    await clock.advance('P7D');
    expect(reports).toEqual([]);
  });
});
