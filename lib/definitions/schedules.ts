/**
 * The schedules, declared once: the CDK stack creates an EventBridge Scheduler schedule for each
 * (a cron in the business time zone, invoking the target function with `input`), and the local
 * runtime fires the same schedules on the local clock (`local-aws/scheduler.ts`).
 */
import type { FunctionId } from './functions';

/** EventBridge Scheduler retries a failed invocation this many times (the deployed schedules and the local scheduler alike). */
export const SCHEDULE_RETRY_ATTEMPTS = 2;

export interface ScheduleDefinition {
  readonly id: string;
  readonly description: string;
  readonly functionId: FunctionId;
  /** Every day at this hour and minute, in the business time zone of the settings. */
  readonly daily: { readonly hour: number; readonly minute: number };
  /** Only on this day of the month (1-28): a monthly schedule. Absent: every day. */
  readonly dayOfMonth?: number;
  /**
   * The event the function receives. `<aws.scheduler.scheduled-time>` is replaced by the scheduled
   * instant (ISO 8601), on AWS by EventBridge Scheduler and locally by the local scheduler.
   */
  readonly input: Readonly<Record<string, string>>;
}

export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

export const schedules: readonly ScheduleDefinition[] = [
  {
    id: 'DailyDunningRun',
    description: 'The dunning run, every day at 06:00 business time',
    functionId: 'RunDunning',
    daily: { hour: 6, minute: 0 },
    input: { trigger: 'schedule', scheduledTime: SCHEDULED_TIME },
  },
  {
    id: 'DailyPaymentPredictions',
    description: 'Payment predictions, customer risk and the cash-in forecast, every day at 05:30 business time (before the dunning run); the model is retrained when a week old',
    functionId: 'RunPaymentPredictions',
    daily: { hour: 5, minute: 30 },
    input: { trigger: 'schedule', scheduledTime: SCHEDULED_TIME },
  },
  {
    id: 'MonthlyStatements',
    description: 'The statements of account of last month, on the first of every month at 07:00 business time',
    functionId: 'SendStatements',
    daily: { hour: 7, minute: 0 },
    dayOfMonth: 1,
    input: { trigger: 'schedule', scheduledTime: SCHEDULED_TIME },
  },
  {
    id: 'DailyCollectionRun',
    description: 'The SEPA direct debit collection run, every day at 05:30 business time (before the dunning run)',
    functionId: 'RunCollections',
    daily: { hour: 5, minute: 30 },
    input: { trigger: 'schedule', scheduledTime: SCHEDULED_TIME },
  },
];

/** The EventBridge Scheduler cron expression of a daily schedule (read in its time zone). */
export function cronExpression(schedule: ScheduleDefinition): string {
  return `cron(${schedule.daily.minute} ${schedule.daily.hour} ${schedule.dayOfMonth ?? '*'} * ? *)`;
}
