/**
 * The execution engine: runs one execution of a prepared definition with `aws-local-stepfunctions`
 * and answers its Task (and rewritten Wait/Pass) states locally.
 *
 * What callers may rely on:
 *
 * - **Journal and resume.** Every step that acts on the outside world or waits is journaled in the
 *   {@link ExecutionRecord} before and after it acts. A run started on a record that already has
 *   a journal (after a restart) replays: the library runs the definition again from the input, and
 *   each step answers from its journal entry (matched by state name and input) instead of calling
 *   out again. A callback task that had been submitted keeps its token and waits again without a
 *   second Lambda call; a Wait or timeout keeps its original deadline; a `.sync` task re-attaches
 *   to its child execution. A request-response task that was in flight when the process died is
 *   called again (at-least-once, as on AWS).
 * - **Local clock.** Waits, task timeouts (`TimeoutSeconds(Path)`, `HeartbeatSeconds(Path)`) and
 *   the execution `TimeoutSeconds` are timers of the injected {@link LocalClock}; no real timer
 *   decides them. Tasks without a timeout never time out.
 * - **Busy.** The run holds `clock.busy()` while it is doing something, and releases it while
 *   everything it runs only waits (token, Wait, timeout, child execution), so `clock.advanceTo`
 *   steps through due timers in order and waits for their consequences.
 * - **Retry.** `Retry` counts are the library's; the pauses between attempts are real time, scaled
 *   by `retryDelayScale` (IntervalSeconds × BackoffRate^n × scale), taken inside the handler while busy.
 * - **Errors.** Task errors keep their AWS names (see `integrations.ts`); a task timeout is the
 *   library's own `States.Timeout` error, so `States.TaskFailed` does not match it, as on AWS.
 */
import '../polyfills';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ExecutionError, StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { TimerCancelledError, type LocalClock } from '../clock';
import { PLACEHOLDER, WRAP, type PreparedDefinition, type PreparedState } from './definition';
import { ExecutionClosedError, StateError, StepFunctionsError, statesRuntimeError } from './errors';
import { historyJson, type ExecutionHistory } from './history';
import {
  SUPPORTED_RESOURCES,
  TaskFailure,
  callDynamoDb,
  callLambda,
  isJsonObject,
  lambdaInvokeResult,
  lambdaInvokeTarget,
  type TaskResource,
} from './integrations';
import type { ExecutionRecord, JournalEntry, JsonObject, JsonValue, StepOutcome } from './types';

type LibraryRun = ReturnType<StateMachine['run']>;
type LibraryEvent = LibraryRun['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type LibraryHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type LibraryJson = Parameters<LibraryHandlers[string]>[0];

/** What a run needs from the service around it. */
export interface EngineHost {
  readonly clock: LocalClock;
  readonly region: string;
  readonly accountId: string;
  readonly dynamodb: DynamoDBClient;
  /** Real-time scale of Retry pauses (1 = as on AWS). */
  readonly retryDelayScale: number;
  log(message: string): void;
  invokeLambda(functionNameOrArn: string, payload: unknown): Promise<unknown>;
  /** Persists the record (after a journal or status change). */
  saveRecord(record: ExecutionRecord): void;
  /** Makes a task token known to SendTask* calls. */
  registerToken(token: string, executionArn: string, seq: number): void;
  /** StartExecution for a child; an existing child of the same parent, name and input is returned as is. */
  startChildExecution(request: { stateMachineArn: string; name: string; input: string; parentExecutionArn: string }): ExecutionRecord;
  getExecution(executionArn: string): ExecutionRecord | undefined;
  /** Calls `listener` when the execution ends; returns the unsubscribe function. */
  onExecutionClosed(executionArn: string, listener: () => void): () => void;
  /** Called once when a run has given the record its final status. */
  executionClosed(record: ExecutionRecord): void;
  /** A new instance of the library's `States.Timeout` error (see {@link libraryTimeoutErrorClass}). */
  newTimeoutError(): Error;
  /** Before a Step Functions action of a task (fault injection); throws the API error to fail the task with. */
  beforeTaskAction?(action: string): Promise<void>;
}

/** The IAM role ARN reported for a state machine (no IAM locally). */
export function roleArnOf(accountId: string, machineName: string): string {
  return `arn:aws:iam::${accountId}:role/${machineName}-role`;
}

let timeoutErrorClass: Promise<new () => Error> | undefined;

/**
 * The library's (unexported) `States.Timeout` error class. The library's Retry/Catch only exclude a
 * timeout from `States.TaskFailed` when the error is an instance of it, so local task timeouts throw
 * that class. Obtained once by letting a probe task time out after 1 ms.
 */
export function libraryTimeoutErrorClass(): Promise<new () => Error> {
  timeoutErrorClass ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: { Probe: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe', TimeoutSeconds: 0.001, End: true } },
      } as unknown as StateMachineDefinition,
      { validationOptions: { noValidate: true } },
    );
    const run = probe.run(null, {
      overrides: { taskResourceLocalHandlers: { Probe: () => new Promise<LibraryJson>((resolve) => setTimeout(() => resolve(null), 50)) } },
    });
    try {
      await run.result;
    } catch (error) {
      if (error instanceof ExecutionError && error.cause instanceof Error && error.cause.name === 'States.Timeout') {
        return error.cause.constructor as new () => Error;
      }
    }
    throw new Error('aws-local-stepfunctions did not report States.Timeout for a timed-out task');
  })();
  return timeoutErrorClass;
}

/** Resolves `true` when the clock reaches `instantMs`, `false` when `signal` cancels the timer first. */
function sleepOrCancel(clock: LocalClock, instantMs: number, signal: AbortSignal): Promise<boolean> {
  return clock.sleepUntil(instantMs, signal).then(
    () => true,
    (error: unknown) => {
      if (error instanceof TimerCancelledError) return false;
      throw error;
    },
  );
}

const never = new Promise<never>(() => undefined);

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function hashJson(value: JsonValue): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DEFAULT_FAIL_CAUSE = 'Execution failed because of a Fail state';

/** The members of the wrapped input a handler receives (see `definition.ts`). */
interface HandlerInput {
  readonly parameters: JsonValue;
  readonly timeoutSeconds?: JsonValue;
  readonly heartbeatSeconds?: JsonValue;
  readonly seconds?: JsonValue;
  readonly timestamp?: JsonValue;
}

function unwrapInput(input: JsonValue, stateName: string): HandlerInput {
  if (!isJsonObject(input) || !(WRAP.parameters in input)) throw statesRuntimeError(`State ${stateName} got an input the local service did not prepare`);
  return {
    parameters: input[WRAP.parameters] ?? null,
    ...(WRAP.timeoutSeconds in input ? { timeoutSeconds: input[WRAP.timeoutSeconds] } : {}),
    ...(WRAP.heartbeatSeconds in input ? { heartbeatSeconds: input[WRAP.heartbeatSeconds] } : {}),
    ...(WRAP.seconds in input ? { seconds: input[WRAP.seconds] } : {}),
    ...(WRAP.timestamp in input ? { timestamp: input[WRAP.timestamp] } : {}),
  };
}

function resolveContextPath(path: string, context: JsonObject): JsonValue {
  const segments = path
    .slice(2)
    .split(/\.|\[['"]?|['"]?\]/)
    .filter((segment) => segment !== '');
  let current: JsonValue = context;
  for (const segment of segments) {
    if (isJsonObject(current) && segment in current) current = current[segment] ?? null;
    else throw statesRuntimeError(`The JSONPath '${path}' could not be found in the context object`);
  }
  return current;
}

/** Replaces the context placeholders of `definition.ts` with the values of `context`. */
function substituteContext(value: JsonValue, context: JsonObject): JsonValue {
  if (typeof value === 'string') {
    const whole = /^@@localsfn:(\$\$[^@]*)@@$/.exec(value);
    if (whole?.[1] !== undefined) return resolveContextPath(whole[1], context);
    return value.replace(PLACEHOLDER, (_match, path: string) => {
      const resolved = resolveContextPath(path, context);
      return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
    });
  }
  if (Array.isArray(value)) return value.map((item) => substituteContext(item, context));
  if (isJsonObject(value)) {
    const result: JsonObject = {};
    for (const [key, item] of Object.entries(value)) result[key] = substituteContext(item, context);
    return result;
  }
  return value;
}

function outcomeOfError(error: unknown): StepOutcome {
  if (error instanceof TaskFailure) return { status: 'failed', error: error.error, cause: error.causeText };
  if (error instanceof StepFunctionsError) {
    return { status: 'failed', error: `StepFunctions.${error.type.endsWith('Exception') ? error.type : `${error.type}Exception`}`, cause: error.message };
  }
  if (error instanceof Error) return { status: 'failed', error: error.name, cause: error.message };
  return { status: 'failed', error: 'Error', cause: String(error) };
}

/** The final error and cause of a failed library run. */
function describeFailure(error: unknown): { error?: string; cause?: string } {
  if (error instanceof ExecutionError && error.cause instanceof Error) {
    const failure = error.cause;
    const cause = failure.message === DEFAULT_FAIL_CAUSE ? {} : { cause: failure.message };
    return failure.name === 'FailStateError' ? cause : { error: failure.name, ...cause };
  }
  return { error: 'States.Runtime', cause: error instanceof Error ? error.message : String(error) };
}

function positiveInteger(value: JsonValue | undefined, what: string, stateName: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw statesRuntimeError(`The ${what} of state ${stateName} must be a positive integer, got ${JSON.stringify(value ?? null)}`);
  }
  return value;
}

interface RetryTracking {
  readonly attempts: number[];
  retries: number;
  pendingDelayMs: number;
}

/** One execution running in this process. */
export class ExecutionRun {
  private readonly stopSignal = new AbortController();
  /** No more history or journal changes: the execution ended, was stopped, or the service detached it. */
  private closed = false;
  /** The library run has settled: nothing of this run is active any more. */
  private finished = false;
  private inFlight = 0;
  private parked = 0;
  private releaseBusy: (() => void) | undefined;
  private readonly claimed = new Set<number>();
  private readonly wakers = new Map<number, () => void>();
  private readonly retries = new Map<string, RetryTracking>();
  private libraryRun: LibraryRun | undefined;
  private settled: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: EngineHost,
    /** The record this run updates (shared with the service). */
    readonly record: ExecutionRecord,
    private readonly history: ExecutionHistory,
    private readonly definition: PreparedDefinition,
  ) {}

  /** Resolves when the run has settled (finished, stopped or detached) and released the clock. */
  get done(): Promise<void> {
    return this.settled;
  }

  /** Starts (or, with a journal, resumes) the execution. */
  start(): void {
    this.updateBusy();
    this.history.beginRun();
    if (this.record.timeoutAtMs !== undefined) this.watchExecutionTimeout(this.record.timeoutAtMs);
    const handlers: LibraryHandlers = {};
    for (const name of this.definition.handlerStates) {
      handlers[name] = async (input) => (await this.handleState(name, input as JsonValue)) as LibraryJson;
    }
    const retryIntervalOverrides = Object.fromEntries(this.definition.retryStates.map((name) => [name, 0]));
    const run = this.definition.machine.run(JSON.parse(this.record.input) as LibraryJson, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
      context: {
        Execution: { Id: this.record.executionArn, Name: this.record.name, RoleArn: this.roleArn(), RedriveCount: 0 },
        LocalExecution: this.executionContext(),
        StateMachine: { Id: this.record.stateMachineArn, Name: this.record.stateMachineName },
      },
      noThrowOnAbort: true,
    });
    this.libraryRun = run;
    this.settled = this.finish(run.result, this.consumeEvents(run.eventLogs));
  }

  /** Wakes a task waiting on journal entry `seq` (its outcome or heartbeat changed). */
  notify(seq: number): void {
    this.wakers.get(seq)?.();
  }

  /** Ends the execution as ABORTED (StopExecution) or TIMED_OUT, recording the final event. */
  terminate(status: 'ABORTED' | 'TIMED_OUT', error?: string, cause?: string): void {
    if (this.closed) return;
    this.closed = true;
    const record = this.record;
    record.status = status;
    record.stopDateMs = this.host.clock.nowMs();
    if (error !== undefined) record.error = error;
    if (cause !== undefined) record.cause = cause;
    const details: JsonObject = {};
    if (error !== undefined) details['error'] = error;
    if (cause !== undefined) details['cause'] = cause;
    this.history.emit(status === 'ABORTED' ? 'ExecutionAborted' : 'ExecutionTimedOut', details);
    this.host.saveRecord(record);
    this.shutdown();
    this.host.executionClosed(record);
  }

  /** Ends the in-memory run without touching the record (service stop): it resumes on the next start. */
  detach(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.shutdown();
    }
    return this.settled;
  }

  private shutdown(): void {
    this.stopSignal.abort();
    this.libraryRun?.abort();
  }

  private async finish(result: Promise<LibraryJson>, events: Promise<void>): Promise<void> {
    let outcome: { ok: true; output: JsonValue } | { ok: false; error?: string; cause?: string };
    try {
      outcome = { ok: true, output: (await result) as JsonValue };
    } catch (error) {
      outcome = { ok: false, ...describeFailure(error) };
    }
    await events;
    if (!this.closed) {
      this.closed = true;
      const record = this.record;
      record.stopDateMs = this.host.clock.nowMs();
      if (outcome.ok) {
        record.status = 'SUCCEEDED';
        record.output = JSON.stringify(outcome.output ?? null);
        this.history.emit('ExecutionSucceeded', { output: record.output });
      } else {
        record.status = 'FAILED';
        const details: JsonObject = {};
        if (outcome.error !== undefined) details['error'] = record.error = outcome.error;
        if (outcome.cause !== undefined) details['cause'] = record.cause = outcome.cause;
        this.history.emit('ExecutionFailed', details);
      }
      this.host.saveRecord(record);
      this.shutdown();
      this.host.executionClosed(record);
    }
    this.finished = true;
    this.updateBusy();
  }

  private updateBusy(): void {
    const hold = !this.finished && !(this.inFlight > 0 && this.parked >= this.inFlight);
    if (hold && !this.releaseBusy) this.releaseBusy = this.host.clock.busy();
    if (!hold && this.releaseBusy) {
      this.releaseBusy();
      this.releaseBusy = undefined;
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new ExecutionClosedError();
  }

  private watchExecutionTimeout(atMs: number): void {
    void sleepOrCancel(this.host.clock, atMs, this.stopSignal.signal).then((due) => {
      if (due) this.terminate('TIMED_OUT', 'States.Timeout', 'The execution ran longer than the TimeoutSeconds of its state machine');
    });
  }

  private roleArn(): string {
    return roleArnOf(this.host.accountId, this.record.stateMachineName);
  }

  private executionContext(): JsonObject {
    return {
      Id: this.record.executionArn,
      Input: JSON.parse(this.record.input) as JsonValue,
      Name: this.record.name,
      RoleArn: this.roleArn(),
      StartTime: iso(this.record.startDateMs),
      RedriveCount: 0,
    };
  }

  /** The context object as AWS gives it to a state (`$$`). */
  private stateContext(stateName: string, enteredMs: number, token: string | undefined, retryCount: number): JsonObject {
    return {
      Execution: this.executionContext(),
      State: { EnteredTime: iso(enteredMs), Name: stateName, RetryCount: retryCount },
      StateMachine: { Id: this.record.stateMachineArn, Name: this.record.stateMachineName },
      ...(token !== undefined ? { Task: { Token: token } } : {}),
    };
  }

  // ---- history from the library's event log ----

  private async consumeEvents(events: AsyncGenerator<LibraryEvent>): Promise<void> {
    for await (const event of events) {
      if (this.closed) continue;
      try {
        this.recordLibraryEvent(event);
      } catch (error) {
        this.host.log(`Could not record the ${event.type} event of ${this.record.executionArn}: ${String(error)}`);
      }
    }
  }

  private stateType(name: string, fallback: string): string {
    return this.definition.states.get(name)?.type ?? fallback;
  }

  private recordLibraryEvent(event: LibraryEvent): void {
    switch (event.type) {
      case 'StateEntered': {
        const type = this.stateType(event.state.name, event.state.type);
        this.history.emit(`${type}StateEntered`, { name: event.state.name, input: historyJson(event.state.input as JsonValue) });
        if (type === 'Parallel') this.history.emit('ParallelStateStarted');
        break;
      }
      case 'StateExited': {
        const type = this.stateType(event.state.name, event.state.type);
        if (type === 'Map') this.history.emit('MapStateSucceeded');
        if (type === 'Parallel') this.history.emit('ParallelStateSucceeded');
        this.history.emit(`${type}StateExited`, { name: event.state.name, output: historyJson(event.state.output as JsonValue) });
        break;
      }
      case 'StateFailed': {
        const type = this.stateType(event.state.name, event.state.type);
        if (type === 'Map') this.history.emit('MapStateFailed');
        if (type === 'Parallel') this.history.emit('ParallelStateFailed');
        break;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.history.emit(event.type, { name: event.parentState.name, index: event.index });
        break;
      default:
        // Execution events are recorded by the run itself; branch, retry and catch events have no AWS counterpart.
        break;
    }
  }

  // ---- handlers ----

  private async handleState(stateName: string, input: JsonValue): Promise<JsonValue> {
    this.ensureOpen();
    this.inFlight++;
    this.updateBusy();
    try {
      // Let the event log catch up first, so the state's Entered event precedes the task's events.
      await nextTurn();
      this.ensureOpen();
      const state = this.definition.states.get(stateName);
      if (!state) throw statesRuntimeError(`State ${stateName} has no local handler`);
      const args = unwrapInput(input, stateName);
      const inputHash = hashJson(input);
      switch (state.handler) {
        case 'wait':
          return await this.runWait(state, inputHash, args);
        case 'pass':
          return await this.runPass(state, inputHash, args);
        case 'task':
          return await this.runTask(state, inputHash, args);
        default:
          throw statesRuntimeError(`State ${stateName} has no local handler`);
      }
    } finally {
      this.inFlight--;
      this.updateBusy();
    }
  }

  /** The journal entry of this step from an earlier run, if any (same state, preferably same input). */
  private claim(stateName: string, inputHash: string): JournalEntry | undefined {
    let fallback: JournalEntry | undefined;
    for (const entry of this.record.journal) {
      if (entry.state !== stateName || this.claimed.has(entry.seq)) continue;
      if (entry.inputHash === inputHash) {
        this.claimed.add(entry.seq);
        return entry;
      }
      fallback ??= entry;
    }
    if (fallback) {
      this.claimed.add(fallback.seq);
      this.host.log(`${this.record.executionArn}: state ${stateName} replays with another input than journaled; using journal entry ${fallback.seq}`);
    }
    return fallback;
  }

  private createEntry(state: PreparedState, inputHash: string, kind: JournalEntry['kind'], fields: Partial<JournalEntry> = {}): JournalEntry {
    const entry: JournalEntry = {
      ...fields,
      seq: this.record.journal.length,
      state: state.name,
      inputHash,
      kind,
      startedAtMs: this.host.clock.nowMs(),
    };
    this.record.journal.push(entry);
    this.claimed.add(entry.seq);
    if (entry.token !== undefined) this.host.registerToken(entry.token, this.record.executionArn, entry.seq);
    this.host.saveRecord(this.record);
    return entry;
  }

  private save(): void {
    this.host.saveRecord(this.record);
  }

  /** Waits until `notify(seq)`, the clock reaching `deadlineMs`, or the run closing (throws then). */
  private async park(seq: number, deadlineMs: number | undefined): Promise<void> {
    this.ensureOpen();
    const timer = new AbortController();
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.wakers.set(seq, wake);
    this.stopSignal.signal.addEventListener('abort', wake, { once: true });
    this.parked++;
    this.updateBusy();
    try {
      await Promise.race([woken, deadlineMs === undefined ? never : sleepOrCancel(this.host.clock, deadlineMs, timer.signal)]);
    } finally {
      this.parked--;
      this.updateBusy();
      timer.abort();
      this.wakers.delete(seq);
      this.stopSignal.signal.removeEventListener('abort', wake);
    }
    this.ensureOpen();
  }

  private async runWait(state: PreparedState, inputHash: string, args: HandlerInput): Promise<JsonValue> {
    const entry = this.claim(state.name, inputHash) ?? this.createEntry(state, inputHash, 'wait', { dueMs: this.waitDue(state, args) });
    if (!entry.outcome) {
      const due = entry.dueMs ?? entry.startedAtMs;
      while (this.host.clock.nowMs() < due) await this.park(entry.seq, due);
      entry.outcome = { status: 'succeeded', output: null };
      this.save();
    }
    return args.parameters;
  }

  /** When a Wait state entered now ends, from Seconds, Timestamp, SecondsPath or TimestampPath. */
  private waitDue(state: PreparedState, args: HandlerInput): number {
    const definition = state.definition;
    const now = this.host.clock.nowMs();
    const seconds = definition['Seconds'];
    if (typeof seconds === 'number') return now + seconds * 1000;
    const timestamp = definition['Timestamp'];
    if (typeof timestamp === 'string') return Date.parse(timestamp);
    if ('SecondsPath' in definition) {
      const value = args.seconds;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw statesRuntimeError(`The SecondsPath of Wait state ${state.name} resolved to ${JSON.stringify(value ?? null)}, not a non-negative integer`);
      }
      return now + value * 1000;
    }
    if ('TimestampPath' in definition) {
      const value = args.timestamp;
      if (typeof value !== 'string' || !RFC3339.test(value)) {
        throw statesRuntimeError(`The TimestampPath of Wait state ${state.name} resolved to ${JSON.stringify(value ?? null)}, not an RFC 3339 timestamp`);
      }
      return Date.parse(value);
    }
    throw statesRuntimeError(`Wait state ${state.name} has none of Seconds, Timestamp, SecondsPath and TimestampPath`);
  }

  private async runPass(state: PreparedState, inputHash: string, args: HandlerInput): Promise<JsonValue> {
    const entry = this.claim(state.name, inputHash) ?? this.createEntry(state, inputHash, 'pass');
    if (entry.outcome?.status === 'succeeded') return entry.outcome.output;
    const result = state.definition['Result'];
    const output = result !== undefined ? result : substituteContext(args.parameters, this.stateContext(state.name, entry.startedAtMs, undefined, 0));
    entry.outcome = { status: 'succeeded', output };
    this.save();
    return output;
  }

  private async runTask(state: PreparedState, inputHash: string, args: HandlerInput): Promise<JsonValue> {
    const resource = state.resource;
    if (!resource || resource.kind === 'unsupported') {
      throw statesRuntimeError(
        `Task state ${state.name}: the resource ${resource?.arn ?? '(none)'} is not supported by the local Step Functions service` +
          `${resource ? ` (${resource.reason})` : ''}. Supported: ${SUPPORTED_RESOURCES}`,
      );
    }
    const retryKey = `${state.name}\u0000${inputHash}`;
    const tracking = this.retries.get(retryKey);
    const journaled = this.claim(state.name, inputHash);
    if (tracking && tracking.pendingDelayMs > 0 && !journaled?.outcome) await this.retryPause(tracking.pendingDelayMs);
    if (tracking) tracking.pendingDelayMs = 0;
    const entry = journaled ?? this.createTaskEntry(state, inputHash, resource, args);
    try {
      const output = await this.performTask(state, resource, entry, args, tracking?.retries ?? 0, journaled !== undefined);
      this.retries.delete(retryKey);
      return output;
    } catch (error) {
      if (!(error instanceof ExecutionClosedError)) this.noteFailure(state, retryKey, error);
      throw error;
    }
  }

  private createTaskEntry(state: PreparedState, inputHash: string, resource: Exclude<TaskResource, { kind: 'unsupported' }>, args: HandlerInput): JournalEntry {
    const definition = state.definition;
    const now = this.host.clock.nowMs();
    const timeoutSeconds =
      typeof definition['TimeoutSeconds'] === 'number'
        ? positiveInteger(definition['TimeoutSeconds'], 'TimeoutSeconds', state.name)
        : 'timeoutSeconds' in args
          ? positiveInteger(args.timeoutSeconds, 'TimeoutSecondsPath value', state.name)
          : undefined;
    const heartbeatSeconds =
      typeof definition['HeartbeatSeconds'] === 'number'
        ? positiveInteger(definition['HeartbeatSeconds'], 'HeartbeatSeconds', state.name)
        : 'heartbeatSeconds' in args
          ? positiveInteger(args.heartbeatSeconds, 'HeartbeatSecondsPath value', state.name)
          : undefined;
    return this.createEntry(state, inputHash, 'task', {
      ...(timeoutSeconds !== undefined ? { timeoutAtMs: now + timeoutSeconds * 1000 } : {}),
      ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
      ...(resource.pattern === 'token' ? { token: randomBytes(48).toString('base64url') } : {}),
    });
  }

  /** The real-time pause before a retry (the run stays busy: retrying is activity). */
  private async retryPause(ms: number): Promise<void> {
    const signal = this.stopSignal.signal;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
    this.ensureOpen();
  }

  /** Mirrors the library's Retry decision to know the pause before the next attempt of this step. */
  private noteFailure(state: PreparedState, retryKey: string, error: unknown): void {
    const name = error instanceof Error ? error.name : 'Error';
    const retryable = !(error instanceof StateError) || error.isRetryable;
    const tracking = this.retries.get(retryKey) ?? { attempts: state.retriers.map(() => 0), retries: 0, pendingDelayMs: 0 };
    if (retryable) {
      for (const [index, retrier] of state.retriers.entries()) {
        const matches = retrier.ErrorEquals.some(
          (candidate) => candidate === name || candidate === 'States.ALL' || (candidate === 'States.TaskFailed' && name !== 'States.Timeout'),
        );
        if (!matches) continue;
        const attempt = tracking.attempts[index] ?? 0;
        if (attempt >= (retrier.MaxAttempts ?? 3)) break;
        tracking.attempts[index] = attempt + 1;
        tracking.retries++;
        let seconds = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, attempt);
        if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
        const delayMs = seconds * 1000 * this.host.retryDelayScale;
        tracking.pendingDelayMs = retrier.JitterStrategy === 'FULL' ? Math.random() * delayMs : delayMs;
        this.retries.set(retryKey, tracking);
        return;
      }
    }
    this.retries.delete(retryKey);
  }

  private async performTask(
    state: PreparedState,
    resource: Exclude<TaskResource, { kind: 'unsupported' }>,
    entry: JournalEntry,
    args: HandlerInput,
    retryCount: number,
    fromEarlierRun: boolean,
  ): Promise<JsonValue> {
    const parameters = substituteContext(args.parameters, this.stateContext(state.name, entry.startedAtMs, entry.token, retryCount));
    this.emitTaskScheduled(resource, parameters, entry);
    if (!entry.outcome) {
      let outcome: StepOutcome;
      switch (resource.pattern) {
        case 'request':
          outcome = await this.callRequestResponse(resource, parameters, entry);
          break;
        case 'token':
          outcome = await this.callWithToken(resource, parameters, entry, fromEarlierRun);
          break;
        case 'sync':
        case 'sync2':
          outcome = await this.callSync(resource, resource.pattern, parameters, entry);
          break;
      }
      this.ensureOpen();
      entry.outcome ??= outcome;
      this.save();
    } else if (entry.submitted) {
      this.emitTaskSubmitted(resource, entry);
    }
    this.emitTaskOutcome(resource, entry.outcome);
    return this.resultOf(entry.outcome);
  }

  private resultOf(outcome: StepOutcome): JsonValue {
    switch (outcome.status) {
      case 'succeeded':
        return outcome.output;
      case 'failed':
        throw new StateError(outcome.error, outcome.cause, { handleable: outcome.error !== 'States.Runtime' });
      case 'timedOut': {
        if (outcome.error !== 'States.Timeout') throw new StateError(outcome.error, outcome.cause);
        const timeout = this.host.newTimeoutError();
        if (outcome.cause !== '') timeout.message = outcome.cause;
        throw timeout;
      }
    }
  }

  /** A call whose answer is the task result; fails with `States.Timeout` if the clock passes the timeout first. */
  private async callRequestResponse(resource: Exclude<TaskResource, { kind: 'unsupported' }>, parameters: JsonValue, entry: JournalEntry): Promise<StepOutcome> {
    const call = this.callService(resource, parameters, entry).then(
      (output): StepOutcome => ({ status: 'succeeded', output }),
      (error: unknown) => outcomeOfError(error),
    );
    const timer = new AbortController();
    const timeout =
      entry.timeoutAtMs === undefined
        ? never
        : sleepOrCancel(this.host.clock, entry.timeoutAtMs, timer.signal).then((due): StepOutcome | Promise<never> =>
            due ? { status: 'timedOut', error: 'States.Timeout', cause: '' } : never,
          );
    // A stopped or detached run does not wait for the call (its result would be dropped anyway).
    const closed = new Promise<never>((_resolve, reject) => {
      const onStop = (): void => reject(new ExecutionClosedError());
      if (this.stopSignal.signal.aborted) onStop();
      else this.stopSignal.signal.addEventListener('abort', onStop, { once: true });
      void call.finally(() => this.stopSignal.signal.removeEventListener('abort', onStop));
    });
    closed.catch(() => undefined);
    try {
      return await Promise.race([call, timeout, closed]);
    } finally {
      timer.abort();
    }
  }

  private async callService(resource: Exclude<TaskResource, { kind: 'unsupported' }>, parameters: JsonValue, entry: JournalEntry): Promise<JsonValue> {
    switch (resource.kind) {
      case 'lambdaFunction':
        return callLambda((fn, payload) => this.host.invokeLambda(fn, payload), resource.arn, parameters);
      case 'lambdaInvoke': {
        const { functionName, payload } = lambdaInvokeTarget(parameters);
        return lambdaInvokeResult(await callLambda((fn, p) => this.host.invokeLambda(fn, p), functionName, payload));
      }
      case 'dynamodb':
        return callDynamoDb(this.host.dynamodb, resource.action, resource.flavour, parameters);
      case 'startExecution': {
        await this.host.beforeTaskAction?.('StartExecution');
        const child = this.startChild(parameters, entry);
        return { ExecutionArn: child.executionArn, StartDate: child.startDateMs };
      }
    }
  }

  /** Starts (or finds again, on replay) the child execution of a `states:startExecution` task. */
  private startChild(parameters: JsonValue, entry: JournalEntry): ExecutionRecord {
    if (!isJsonObject(parameters) || typeof parameters['StateMachineArn'] !== 'string') {
      throw new TaskFailure('States.Runtime', 'states:startExecution needs a StateMachineArn string in its Parameters');
    }
    const given = parameters['Input'];
    const input = given === undefined ? '{}' : typeof given === 'string' ? given : JSON.stringify(given);
    let name = typeof parameters['Name'] === 'string' ? parameters['Name'] : entry.childName;
    if (name === undefined) {
      name = randomUUID();
      entry.childName = name;
      this.save();
    }
    return this.host.startChildExecution({
      stateMachineArn: parameters['StateMachineArn'],
      name,
      input,
      parentExecutionArn: this.record.executionArn,
    });
  }

  /**
   * `.waitForTaskToken`: submit once (Lambda call or child start), then wait for SendTask*, a timeout
   * or a missed heartbeat. A task journaled by an earlier run is never submitted again: its Lambda may
   * already hold the token (the earlier run stopped while the call was in flight).
   */
  private async callWithToken(
    resource: Exclude<TaskResource, { kind: 'unsupported' }>,
    parameters: JsonValue,
    entry: JournalEntry,
    fromEarlierRun: boolean,
  ): Promise<StepOutcome> {
    if (!entry.submitted && fromEarlierRun && resource.kind !== 'startExecution') {
      this.host.log(`${this.record.executionArn}: task ${entry.state} was being submitted when the service stopped; waiting for its token without calling again`);
      entry.submitted = true;
      entry.submittedOutput = null;
      this.save();
    }
    if (!entry.submitted) {
      let submittedOutput: JsonValue;
      try {
        if (resource.kind === 'startExecution') {
          const child = this.startChild(parameters, entry);
          entry.childExecutionArn = child.executionArn;
          submittedOutput = { ExecutionArn: child.executionArn, StartDate: child.startDateMs };
        } else {
          submittedOutput = await this.callService(resource, parameters, entry);
        }
      } catch (error) {
        this.ensureOpen();
        return outcomeOfError(error);
      }
      this.ensureOpen();
      entry.submitted = true;
      entry.submittedOutput = submittedOutput;
      this.save();
    }
    this.emitTaskSubmitted(resource, entry);
    return this.awaitCompletion(entry, true, () => entry.outcome);
  }

  /** `.sync` / `.sync:2`: start the child once, then wait for it to end. */
  private async callSync(
    resource: Exclude<TaskResource, { kind: 'unsupported' }>,
    pattern: 'sync' | 'sync2',
    parameters: JsonValue,
    entry: JournalEntry,
  ): Promise<StepOutcome> {
    if (!entry.submitted) {
      try {
        const child = this.startChild(parameters, entry);
        entry.childExecutionArn = child.executionArn;
        entry.submittedOutput = { ExecutionArn: child.executionArn, StartDate: child.startDateMs };
        entry.submitted = true;
        this.save();
      } catch (error) {
        return outcomeOfError(error);
      }
    }
    this.emitTaskSubmitted(resource, entry);
    const childArn = entry.childExecutionArn ?? '';
    const unsubscribe = this.host.onExecutionClosed(childArn, () => this.notify(entry.seq));
    try {
      return await this.awaitCompletion(entry, false, () => {
        const child = this.host.getExecution(childArn);
        if (!child) return { status: 'failed', error: 'States.TaskFailed', cause: `The child execution ${childArn} does not exist` };
        return child.status === 'RUNNING' ? undefined : syncOutcome(child, pattern);
      });
    } finally {
      unsubscribe();
    }
  }

  private async awaitCompletion(entry: JournalEntry, heartbeat: boolean, completed: () => StepOutcome | undefined): Promise<StepOutcome> {
    for (;;) {
      const outcome = completed();
      if (outcome) return outcome;
      const now = this.host.clock.nowMs();
      const timeoutAt = entry.timeoutAtMs;
      const heartbeatAt =
        heartbeat && entry.heartbeatSeconds !== undefined ? (entry.lastHeartbeatMs ?? entry.startedAtMs) + entry.heartbeatSeconds * 1000 : undefined;
      if (timeoutAt !== undefined && now >= timeoutAt) return { status: 'timedOut', error: 'States.Timeout', cause: '' };
      if (heartbeatAt !== undefined && now >= heartbeatAt) return { status: 'timedOut', error: 'States.HeartbeatTimeout', cause: '' };
      const deadlines = [timeoutAt, heartbeatAt].filter((d): d is number => d !== undefined);
      await this.park(entry.seq, deadlines.length > 0 ? Math.min(...deadlines) : undefined);
    }
  }

  // ---- task history events ----

  private emitTaskScheduled(resource: Exclude<TaskResource, { kind: 'unsupported' }>, parameters: JsonValue, entry: JournalEntry): void {
    const timeout: JsonObject = entry.timeoutAtMs !== undefined ? { timeoutInSeconds: Math.round((entry.timeoutAtMs - entry.startedAtMs) / 1000) } : {};
    if (resource.kind === 'lambdaFunction') {
      this.history.emit('LambdaFunctionScheduled', { resource: resource.arn, input: historyJson(parameters), ...timeout });
      this.history.emit('LambdaFunctionStarted');
      return;
    }
    this.history.emit('TaskScheduled', {
      resourceType: resource.resourceType,
      resource: resource.resource,
      region: this.host.region,
      parameters: historyJson(parameters),
      ...timeout,
      ...(entry.heartbeatSeconds !== undefined ? { heartbeatInSeconds: entry.heartbeatSeconds } : {}),
    });
    this.history.emit('TaskStarted', { resourceType: resource.resourceType, resource: resource.resource });
  }

  private emitTaskSubmitted(resource: Exclude<TaskResource, { kind: 'unsupported' }>, entry: JournalEntry): void {
    if (resource.kind === 'lambdaFunction') return;
    this.history.emit('TaskSubmitted', { resourceType: resource.resourceType, resource: resource.resource, output: historyJson(entry.submittedOutput) });
  }

  private emitTaskOutcome(resource: Exclude<TaskResource, { kind: 'unsupported' }>, outcome: StepOutcome): void {
    if (resource.kind === 'lambdaFunction') {
      if (outcome.status === 'succeeded') this.history.emit('LambdaFunctionSucceeded', { output: historyJson(outcome.output) });
      else this.history.emit(outcome.status === 'failed' ? 'LambdaFunctionFailed' : 'LambdaFunctionTimedOut', { error: outcome.error, cause: outcome.cause });
      return;
    }
    const base: JsonObject = { resourceType: resource.resourceType, resource: resource.resource };
    if (outcome.status === 'succeeded') this.history.emit('TaskSucceeded', { ...base, output: historyJson(outcome.output) });
    else this.history.emit(outcome.status === 'failed' ? 'TaskFailed' : 'TaskTimedOut', { ...base, error: outcome.error, cause: outcome.cause });
  }
}

/** The result (or failure) of a `.sync`/`.sync:2` task from its ended child execution. */
function syncOutcome(child: ExecutionRecord, pattern: 'sync' | 'sync2'): StepOutcome {
  const parse = (text: string): JsonValue => (pattern === 'sync2' ? (JSON.parse(text) as JsonValue) : text);
  const description: JsonObject = {
    ExecutionArn: child.executionArn,
    Input: parse(child.input),
    InputDetails: { Included: true },
    Name: child.name,
    StartDate: child.startDateMs,
    StateMachineArn: child.stateMachineArn,
    Status: child.status,
    StopDate: child.stopDateMs ?? null,
  };
  if (child.status === 'SUCCEEDED') {
    description['Output'] = parse(child.output ?? 'null');
    description['OutputDetails'] = { Included: true };
    return { status: 'succeeded', output: description };
  }
  if (child.error !== undefined) description['Error'] = child.error;
  if (child.cause !== undefined) description['Cause'] = child.cause;
  return { status: 'failed', error: 'States.TaskFailed', cause: JSON.stringify(description) };
}
