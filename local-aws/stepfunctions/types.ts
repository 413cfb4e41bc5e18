/**
 * Data shapes shared by the local Step Functions service: JSON values, the persisted execution
 * record with its task journal, and the stored history events.
 */

/** JSON values as they flow through executions. */
export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The execution statuses of the Step Functions API. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** How a journaled step ended. `timedOut` covers `States.Timeout` and `States.HeartbeatTimeout`. */
export type StepOutcome =
  | { readonly status: 'succeeded'; readonly output: JsonValue }
  | { readonly status: 'failed'; readonly error: string; readonly cause: string }
  | { readonly status: 'timedOut'; readonly error: string; readonly cause: string };

/**
 * One step of an execution that touches the outside world or time: a Task call, a Wait, or a Pass
 * that reads the clock. The journal is what makes an execution resumable: on restart the definition
 * runs again from the start and every step that has an entry answers from it instead of acting again.
 */
export interface JournalEntry {
  /** Position in the journal (0-based, never reused). */
  readonly seq: number;
  /** The state name (unique in a definition). */
  readonly state: string;
  /** Hash of the effective state input the library handed over: tells apart Map iterations and loop rounds. */
  readonly inputHash: string;
  readonly kind: 'task' | 'wait' | 'pass';
  /** Local-clock instant the step started (also `$$.State.EnteredTime`). */
  readonly startedAtMs: number;
  /** Task token of a `.waitForTaskToken` task. */
  token?: string;
  /** Local-clock instant at which the task fails with `States.Timeout`. */
  timeoutAtMs?: number;
  heartbeatSeconds?: number;
  lastHeartbeatMs?: number;
  /** The external call of a callback or `.sync` task has been made (never repeated on replay). */
  submitted?: boolean;
  submittedOutput?: JsonValue;
  /** Name chosen for the child execution of a `states:startExecution` task before it was started. */
  childName?: string;
  childExecutionArn?: string;
  /** Local-clock instant a Wait state ends. */
  dueMs?: number;
  outcome?: StepOutcome;
}

/** The persisted state of one execution (`<dataDir>/executions/<stateMachine>/<name>.json`). */
export interface ExecutionRecord {
  readonly version: 1;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly name: string;
  /** The input exactly as given to StartExecution. */
  readonly input: string;
  /** The ASL definition the execution runs (the one current at its start, as on AWS). */
  readonly definition: string;
  readonly startDateMs: number;
  /** Local-clock instant of the state machine's top-level `TimeoutSeconds`. */
  readonly timeoutAtMs?: number;
  /** The execution that started this one through `states:startExecution`, if any. */
  readonly parentExecutionArn?: string;
  status: ExecutionStatus;
  stopDateMs?: number;
  output?: string;
  error?: string;
  cause?: string;
  journal: JournalEntry[];
}

/** A history event as stored; {@link toWireEvent} in `history.ts` turns it into the API shape. */
export interface StoredHistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestampMs: number;
  readonly type: string;
  readonly details?: JsonObject;
  /** `type|subject|occurrence`: identifies the event across a replay so that it is not recorded twice. */
  readonly signature: string;
}
