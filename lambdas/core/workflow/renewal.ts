/**
 * Continue-as-new: a Step Functions standard execution lasts a year at most. Every waiting step of
 * the state machines lapses after a month (a week on the attention worklist) and asks this use case
 * whether its execution is old; one older than {@link RENEW_AFTER_DAYS} days starts its continuation,
 * a new execution of the same machine with the same state and `continuedFrom`, which resumes at the
 * same waiting step, and the old one ends `ContinuedInNewExecution`. So an invoice open for years
 * still completes its order when it is paid.
 */
import { ValidationError } from '../errors';
import type { Clock } from '../time/clock';

/** 300 days: the longest wait before the next check is a month, so the year is never reached. */
export const RENEW_AFTER_DAYS = 300;
const DAY_MS = 86_400_000;

export interface ExecutionStarter {
  /** Starts an execution by name; an existing one of that name is not an error. */
  start(stateMachineArn: string, name: string, input: Record<string, unknown>): Promise<{ executionArn: string; alreadyStarted: boolean }>;
}

export interface RenewalInput {
  readonly stateMachineArn: string;
  readonly executionArn: string;
  readonly executionName: string;
  /** `$$.Execution.StartTime`. */
  readonly startTime: string;
  /** The execution's state (`$`) to carry on with. */
  readonly input: Record<string, unknown>;
}

/** `order-1` -> `order-1-continued-2`, `order-1-continued-2` -> `order-1-continued-3` (80 characters at most). */
export function continuationName(executionName: string): string {
  const match = /^(.*)-continued-(\d+)$/.exec(executionName);
  const base = match?.[1] ?? executionName;
  const next = match?.[2] ? Number(match[2]) + 1 : 2;
  const suffix = `-continued-${next}`;
  return `${base.slice(0, 80 - suffix.length)}${suffix}`;
}

export async function renewExecutionIfOld(deps: { readonly clock: Clock; readonly executions: ExecutionStarter }, input: RenewalInput) {
  const started = Date.parse(input.startTime);
  if (Number.isNaN(started)) throw ValidationError.of('startTime', 'must be an ISO 8601 instant');
  const ageDays = (deps.clock.now().getTime() - started) / DAY_MS;
  if (ageDays < RENEW_AFTER_DAYS) return { continued: false, ageDays: Math.floor(ageDays) };
  // The parent link of a child execution is not carried over (its parent may have ended); the last check's result neither.
  const { AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: _parent, renewal: _renewal, ...state } = input.input;
  const name = continuationName(input.executionName);
  const started2 = await deps.executions.start(input.stateMachineArn, name, { ...state, continuedFrom: input.executionArn });
  return { continued: true, ageDays: Math.floor(ageDays), executionArn: started2.executionArn };
}
