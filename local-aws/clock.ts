/**
 * The one movable clock of the local AWS.
 *
 * Everything in the local runtime process that reads "now" (Lambda handlers through `Date`, the
 * local Step Functions service, the scheduler) reads this clock: it installs itself as the process'
 * `Date` (only "now" is shifted: `new Date()` and `Date.now()`; dates built from a value are
 * untouched). Timers registered with {@link LocalClock.sleepUntil} fire when the clock reaches
 * them, in time order, whether time passes by itself or is moved with {@link LocalClock.advanceTo}.
 *
 * Moving the clock is "everything due in between happens in order": the clock steps to each due
 * timer, fires it, and waits until the whole runtime is idle (see {@link LocalClock.busy}) before
 * it takes the next step. Between steps it yields to the event loop, so HTTP requests are answered
 * while it moves; {@link LocalClock.progress} tells how far a move is, and `onProgress` hears of
 * each simulated week passed. It only moves forward, at most {@link MAX_MOVE_MS} (a year) at once.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const RealDate = Date;

interface Timer {
  readonly id: number;
  readonly dueMs: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class ClockMovedBackwardsError extends Error {
  constructor(target: Date, now: Date) {
    super(`The local clock only moves forward: ${target.toISOString()} is before ${now.toISOString()}`);
    this.name = 'ClockMovedBackwardsError';
  }
}

/** The most the clock moves in one call: 366 days (a year, leap or not). Farther is a few calls. */
export const MAX_MOVE_MS = 366 * 86_400_000;
export const MAX_MOVE_TEXT = 'one year (P366D)';

export class ClockMoveTooLargeError extends Error {
  constructor(readonly moveMs: number) {
    super(`must move the clock at most ${MAX_MOVE_TEXT} at once; move it in steps`);
    this.name = 'ClockMoveTooLargeError';
  }
}

/** How far a move of the clock is. */
export interface ClockProgress {
  readonly from: string;
  readonly to: string;
  /** The local instant the move has reached. */
  readonly now: string;
  /** Simulated time passed, 0-100. */
  readonly percent: number;
  /** Timers fired on the way (each a scheduled run, a wait state ending, a timeout). */
  readonly timersFired: number;
  /** Real time the move has taken so far. */
  readonly elapsedMs: number;
}

export class TimerCancelledError extends Error {
  constructor() {
    super('The timer was cancelled');
    this.name = 'TimerCancelledError';
  }
}

export interface LocalClockOptions {
  /** File that keeps the clock's offset so that a restart continues at the same local time. */
  readonly stateFile?: string;
  /** How long {@link LocalClock.advanceTo} waits for the runtime to become idle after each step. */
  readonly settleTimeoutMs?: number;
  /** Told of a move's progress each simulated week it passes (moves of more than a week). */
  readonly onProgress?: (progress: ClockProgress) => void;
}

const WEEK_MS = 7 * 86_400_000;

export class LocalClock {
  private offsetMs = 0;
  private timers: Timer[] = [];
  private nextTimerId = 1;
  private busyCount = 0;
  private idleWaiters: (() => void)[] = [];
  private wakeUp: NodeJS.Timeout | undefined;
  private installed = false;
  private advancing: Promise<void> = Promise.resolve();
  private readonly stateFile: string | undefined;
  private readonly settleTimeoutMs: number;
  private readonly onProgress: ((progress: ClockProgress) => void) | undefined;
  private movesQueued = 0;
  private move: { fromMs: number; toMs: number; startedAt: number; timersFired: number; nextReportMs: number } | undefined;

  constructor(options: LocalClockOptions = {}) {
    this.stateFile = options.stateFile;
    this.settleTimeoutMs = options.settleTimeoutMs ?? 120_000;
    this.onProgress = options.onProgress;
    if (this.stateFile) {
      try {
        const saved = JSON.parse(readFileSync(this.stateFile, 'utf8')) as { offsetMs?: unknown };
        if (typeof saved.offsetMs === 'number' && Number.isFinite(saved.offsetMs)) this.offsetMs = saved.offsetMs;
      } catch {
        // No saved clock yet: start at real time.
      }
    }
  }

  /** The current local instant. */
  now(): Date {
    return new RealDate(this.nowMs());
  }

  nowMs(): number {
    return RealDate.now() + this.offsetMs;
  }

  /**
   * Replaces the global `Date` so that every "now" in this process reads this clock. Idempotent.
   * Returns a function that restores the real `Date`.
   */
  install(): () => void {
    if (this.installed) return () => this.uninstall();
    const clock = this;
    class LocalDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(clock.nowMs());
        else super(...(args as [string | number | Date]));
      }
      static override now(): number {
        return clock.nowMs();
      }
    }
    globalThis.Date = LocalDate as DateConstructor;
    this.installed = true;
    return () => this.uninstall();
  }

  private uninstall(): void {
    if (!this.installed) return;
    globalThis.Date = RealDate;
    this.installed = false;
  }

  /**
   * Resolves when the clock reaches `instant` (at once if it already has). Rejects with
   * {@link TimerCancelledError} when `signal` aborts first.
   */
  sleepUntil(instant: Date | number, signal?: AbortSignal): Promise<void> {
    const dueMs = typeof instant === 'number' ? instant : instant.getTime();
    if (dueMs <= this.nowMs()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(new TimerCancelledError());
    return new Promise<void>((resolve, reject) => {
      const id = this.nextTimerId++;
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t.id !== id);
        reject(new TimerCancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push({
        id,
        dueMs,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      });
      this.timers.sort((a, b) => a.dueMs - b.dueMs || a.id - b.id);
      this.scheduleWakeUp();
    });
  }

  /** The instants of the timers still waiting, earliest first. */
  pendingTimers(): Date[] {
    return this.timers.map((t) => new RealDate(t.dueMs));
  }

  /**
   * Marks the runtime busy until the returned function is called. Work that runs because time moved
   * (executions, Lambda invocations, HTTP requests) holds this so that the clock only takes its
   * next step once the consequences of the previous one have happened.
   */
  busy(): () => void {
    this.busyCount++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busyCount--;
      if (this.busyCount === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        // Let promise chains that were waiting on the released work run before we call it idle.
        setImmediate(() => {
          if (this.busyCount === 0) waiters.forEach((w) => w());
          else this.idleWaiters.push(...waiters);
        });
      }
    };
  }

  /** Resolves once nothing holds {@link busy}, checked after pending I/O callbacks have run. */
  whenIdle(timeoutMs = this.settleTimeoutMs): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        reject(new Error(`The local runtime did not become idle within ${timeoutMs} ms (${this.busyCount} busy)`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timeout);
        resolve();
      };
      setImmediate(() => {
        if (this.busyCount === 0) setImmediate(() => (this.busyCount === 0 ? done() : this.idleWaiters.push(done)));
        else this.idleWaiters.push(done);
      });
    });
  }

  /** Moves the clock forward by an ISO 8601 duration (`P30D`, `PT6H`, `P1DT2H30M`). */
  advance(duration: string): Promise<Date> {
    const ms = parseIsoDurationMs(duration);
    if (ms > MAX_MOVE_MS) return Promise.reject(new ClockMoveTooLargeError(ms));
    return this.advanceTo(new RealDate(this.nowMs() + ms));
  }

  /** True from the call that moves the clock until it has arrived (also while a move waits for the one before). */
  isMoving(): boolean {
    return this.movesQueued > 0;
  }

  /** The move under way, or undefined when the clock is not moving. */
  progress(): ClockProgress | undefined {
    const move = this.move;
    if (!move) return undefined;
    const now = Math.min(this.nowMs(), move.toMs);
    const span = move.toMs - move.fromMs;
    return {
      from: new RealDate(move.fromMs).toISOString(),
      to: new RealDate(move.toMs).toISOString(),
      now: new RealDate(now).toISOString(),
      percent: span <= 0 ? 100 : Math.floor(((now - move.fromMs) / span) * 1000) / 10,
      timersFired: move.timersFired,
      elapsedMs: RealDate.now() - move.startedAt,
    };
  }

  /**
   * Moves the clock forward to `target`, firing every timer due on the way in time order and
   * waiting for the runtime to settle after each. Calls are serialised. Refuses a target in the
   * past ({@link ClockMovedBackwardsError}) or more than a year ahead ({@link ClockMoveTooLargeError}).
   */
  advanceTo(target: Date): Promise<Date> {
    const targetMs = target.getTime();
    if (targetMs - this.nowMs() > MAX_MOVE_MS) return Promise.reject(new ClockMoveTooLargeError(targetMs - this.nowMs()));
    this.movesQueued++;
    const run = this.advancing.then(() => this.stepTo(targetMs)).finally(() => this.movesQueued--);
    this.advancing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async stepTo(targetMs: number): Promise<Date> {
    if (Number.isNaN(targetMs)) throw new Error('The target instant is not a valid date');
    if (targetMs < this.nowMs()) throw new ClockMovedBackwardsError(new RealDate(targetMs), this.now());
    if (targetMs - this.nowMs() > MAX_MOVE_MS) throw new ClockMoveTooLargeError(targetMs - this.nowMs());
    const fromMs = this.nowMs();
    this.move = { fromMs, toMs: targetMs, startedAt: RealDate.now(), timersFired: 0, nextReportMs: targetMs - fromMs > WEEK_MS ? fromMs + WEEK_MS : Infinity };
    try {
      await this.whenIdle();
      for (;;) {
        const next = this.timers[0];
        if (!next || next.dueMs > targetMs) break;
        if (next.dueMs > this.nowMs()) this.setNowMs(next.dueMs);
        this.move.timersFired += this.fireDue();
        await this.whenIdle();
        this.reportProgress(false);
        // Let I/O in (HTTP requests, their answers) between steps, whatever the timers did.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (targetMs > this.nowMs()) this.setNowMs(targetMs);
      this.move.timersFired += this.fireDue();
      await this.whenIdle();
      this.reportProgress(true);
      return this.now();
    } finally {
      this.move = undefined;
    }
  }

  /** Tells `onProgress` when a simulated week has passed since the last report, and on arrival (moves of more than a week). */
  private reportProgress(arrived: boolean): void {
    const move = this.move;
    if (!move || !this.onProgress || move.nextReportMs === Infinity) return;
    if (!arrived && this.nowMs() < move.nextReportMs) return;
    while (move.nextReportMs <= this.nowMs()) move.nextReportMs += WEEK_MS;
    const progress = this.progress();
    if (progress) this.onProgress(progress);
  }

  private setNowMs(ms: number): void {
    this.offsetMs = ms - RealDate.now();
    this.persist();
    this.scheduleWakeUp();
  }

  private persist(): void {
    if (!this.stateFile) return;
    mkdirSync(dirname(this.stateFile), { recursive: true });
    writeFileSync(this.stateFile, JSON.stringify({ offsetMs: this.offsetMs, savedAt: this.now().toISOString() }));
  }

  /** Fires every timer due now; returns how many. */
  private fireDue(): number {
    const nowMs = this.nowMs();
    const due = this.timers.filter((t) => t.dueMs <= nowMs);
    this.timers = this.timers.filter((t) => t.dueMs > nowMs);
    due.forEach((t) => t.resolve());
    this.scheduleWakeUp();
    return due.length;
  }

  /** Real time passes too: wake up when the earliest timer falls due by itself. */
  private scheduleWakeUp(): void {
    if (this.wakeUp) clearTimeout(this.wakeUp);
    this.wakeUp = undefined;
    const next = this.timers[0];
    if (!next) return;
    const delay = Math.min(Math.max(next.dueMs - this.nowMs(), 0), 2_000_000_000);
    this.wakeUp = setTimeout(() => this.fireDue(), delay);
    this.wakeUp.unref();
  }

  /** Cancels every timer (on shutdown). */
  dispose(): void {
    if (this.wakeUp) clearTimeout(this.wakeUp);
    const timers = this.timers;
    this.timers = [];
    timers.forEach((t) => t.reject(new TimerCancelledError()));
    this.uninstall();
  }
}

/**
 * Milliseconds of an ISO 8601 duration with days, hours, minutes and seconds (`P30D`, `PT1H30M`,
 * `P1W`). Months and years are refused: their length depends on the calendar.
 */
export function parseIsoDurationMs(duration: string): number {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) {
    throw new InvalidDurationError(duration);
  }
  const [, w, d, h, m, s] = match;
  const days = Number(w ?? 0) * 7 + Number(d ?? 0);
  return ((days * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
}

export class InvalidDurationError extends Error {
  constructor(duration: string) {
    super(`"${duration}" is not an ISO 8601 duration of weeks, days, hours, minutes or seconds (for example P30D or PT6H)`);
    this.name = 'InvalidDurationError';
  }
}
