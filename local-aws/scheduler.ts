/**
 * EventBridge Scheduler, locally: fires each schedule of `lib/definitions/schedules.ts` on the one
 * local clock, at its time of day in the business time zone. Each firing invokes the target
 * function in-process with the schedule's input (`<aws.scheduler.scheduled-time>` replaced by the
 * scheduled instant) and holds the clock busy until the function returns, so moving the clock
 * 30 days runs 30 daily runs, in order, each finished before the next.
 */
import { TZDate } from '@date-fns/tz';
import { schedules, SCHEDULED_TIME, SCHEDULE_RETRY_ATTEMPTS, type ScheduleDefinition } from '../lib/definitions/schedules';
import { TimerCancelledError, type LocalClock } from './clock';

/** The first instant strictly after `after` that is the schedule's time of day in `timeZone`. */
export function nextOccurrence(definition: Pick<ScheduleDefinition, 'daily' | 'dayOfMonth'>, after: Date, timeZone: string): Date {
  const local = new TZDate(after.getTime(), timeZone);
  // A daily schedule is due within two days; a monthly one (a day of the month) within 32.
  const days = definition.dayOfMonth === undefined ? 3 : 33;
  for (let dayOffset = 0; dayOffset < days; dayOffset++) {
    const candidate = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + dayOffset, definition.daily.hour, definition.daily.minute, 0, timeZone);
    if (definition.dayOfMonth !== undefined && candidate.getDate() !== definition.dayOfMonth) continue;
    if (candidate.getTime() > after.getTime()) return new Date(candidate.getTime());
  }
  throw new Error(`No next occurrence within ${days} days`);
}

/** The schedule's input with the scheduled time filled in. */
export function scheduledInput(definition: Pick<ScheduleDefinition, 'input'>, at: Date): Record<string, string> {
  return Object.fromEntries(Object.entries(definition.input).map(([k, v]) => [k, v === SCHEDULED_TIME ? at.toISOString() : v]));
}

export interface LocalSchedulerOptions {
  readonly clock: LocalClock;
  readonly timeZone: string;
  readonly invoke: (functionId: string, event: unknown) => Promise<unknown>;
  readonly log?: (line: string) => void;
  readonly schedules?: readonly ScheduleDefinition[];
}

export class LocalScheduler {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  /** Every firing, for tests and the log: schedule id, scheduled instant, outcome. */
  readonly firings: { id: string; at: string; ok: boolean; error?: string }[] = [];

  constructor(private readonly options: LocalSchedulerOptions) {}

  start(): void {
    for (const definition of this.options.schedules ?? schedules) this.loops.push(this.loop(definition));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async loop(definition: ScheduleDefinition): Promise<void> {
    const { clock, timeZone, invoke, log } = this.options;
    while (!this.abort.signal.aborted) {
      const at = nextOccurrence(definition, clock.now(), timeZone);
      try {
        await clock.sleepUntil(at, this.abort.signal);
      } catch (error) {
        if (error instanceof TimerCancelledError) return;
        throw error;
      }
      const release = clock.busy();
      try {
        // As the deployed schedule's retry policy: a failed invocation is tried again (with the same scheduled time).
        for (let attempt = 0; attempt <= SCHEDULE_RETRY_ATTEMPTS; attempt++) {
          try {
            await invoke(definition.functionId, scheduledInput(definition, at));
            this.firings.push({ id: definition.id, at: at.toISOString(), ok: true });
            break;
          } catch (error) {
            const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            this.firings.push({ id: definition.id, at: at.toISOString(), ok: false, error: message });
            log?.(`scheduler    ${definition.id} at ${at.toISOString()} failed (attempt ${attempt + 1}): ${message}`);
            if (attempt < SCHEDULE_RETRY_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
          }
        }
      } finally {
        release();
      }
    }
  }
}
