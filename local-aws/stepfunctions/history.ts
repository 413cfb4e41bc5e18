/**
 * Execution history in the shape of the Step Functions `GetExecutionHistory` API.
 *
 * {@link ExecutionHistory} records events for one execution. Each event gets a signature
 * (`type|subject|occurrence`, counted from the start of the current run); when a resumed execution
 * replays its definition, the events it had already recorded come again with the same signatures
 * and are dropped, so the history reads as one uninterrupted run.
 *
 * {@link toWireEvent} gives the API shape: `timestamp` in epoch seconds, `id`, `previousEventId`,
 * `type` and the `...EventDetails` member that belongs to the type.
 */
import type { JsonObject, JsonValue, StoredHistoryEvent } from './types';

/** The `...EventDetails` member name of each event type that has details. */
const DETAILS_KEYS: Readonly<Record<string, string>> = {
  ExecutionStarted: 'executionStartedEventDetails',
  ExecutionSucceeded: 'executionSucceededEventDetails',
  ExecutionFailed: 'executionFailedEventDetails',
  ExecutionAborted: 'executionAbortedEventDetails',
  ExecutionTimedOut: 'executionTimedOutEventDetails',
  TaskScheduled: 'taskScheduledEventDetails',
  TaskStarted: 'taskStartedEventDetails',
  TaskSubmitted: 'taskSubmittedEventDetails',
  TaskSucceeded: 'taskSucceededEventDetails',
  TaskFailed: 'taskFailedEventDetails',
  TaskTimedOut: 'taskTimedOutEventDetails',
  LambdaFunctionScheduled: 'lambdaFunctionScheduledEventDetails',
  LambdaFunctionSucceeded: 'lambdaFunctionSucceededEventDetails',
  LambdaFunctionFailed: 'lambdaFunctionFailedEventDetails',
  LambdaFunctionTimedOut: 'lambdaFunctionTimedOutEventDetails',
  MapStateStarted: 'mapStateStartedEventDetails',
  MapIterationStarted: 'mapIterationStartedEventDetails',
  MapIterationSucceeded: 'mapIterationSucceededEventDetails',
  MapIterationFailed: 'mapIterationFailedEventDetails',
  MapIterationAborted: 'mapIterationAbortedEventDetails',
};

/** The details member name for an event type (`TaskStateEntered` → `stateEnteredEventDetails`). */
export function detailsKeyOf(type: string): string | undefined {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return DETAILS_KEYS[type];
}

/** Execution data fields left out when `includeExecutionData` is false. */
const EXECUTION_DATA_FIELDS = new Set(['input', 'output', 'parameters', 'inputDetails', 'outputDetails']);

/** The API shape of a stored event. */
export function toWireEvent(event: StoredHistoryEvent, includeExecutionData: boolean): JsonObject {
  const wire: JsonObject = {
    timestamp: event.timestampMs / 1000,
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
  };
  const key = detailsKeyOf(event.type);
  if (key && event.details) {
    const details: JsonObject = {};
    for (const [name, value] of Object.entries(event.details)) {
      if (!includeExecutionData && EXECUTION_DATA_FIELDS.has(name)) continue;
      details[name] = value;
    }
    wire[key] = details;
  }
  return wire;
}

/** Adds `inputDetails`/`outputDetails` next to `input`/`output`, as AWS does. */
function withDataDetails(details: JsonObject): JsonObject {
  const result: JsonObject = { ...details };
  if (typeof details['input'] === 'string') result['inputDetails'] = { truncated: false };
  if (typeof details['output'] === 'string') result['outputDetails'] = { truncated: false };
  return result;
}

/** The part of the signature that tells apart events of the same type. */
function subjectOf(details: JsonObject | undefined): string {
  if (!details) return '';
  const name = details['name'] ?? details['resource'] ?? '';
  const index = details['index'];
  return typeof index === 'number' ? `${String(name)}#${index}` : String(name);
}

/** Serialises a JSON value for a history field. */
export function historyJson(value: JsonValue | undefined): string {
  return JSON.stringify(value ?? null);
}

/**
 * The history of one execution. `emit` appends an event unless the same signature is already
 * recorded (replay after a restart); `sink` persists the appended events.
 */
export class ExecutionHistory {
  private readonly recorded: StoredHistoryEvent[];
  private readonly signatures: Set<string>;
  private occurrences = new Map<string, number>();

  constructor(
    events: StoredHistoryEvent[],
    private readonly now: () => number,
    private readonly sink: (event: StoredHistoryEvent) => void,
  ) {
    this.recorded = [...events].sort((a, b) => a.id - b.id);
    this.signatures = new Set(this.recorded.map((e) => e.signature));
  }

  /** All events, oldest first. */
  get events(): readonly StoredHistoryEvent[] {
    return this.recorded;
  }

  /** Starts counting occurrences anew: call when the definition starts running (again). */
  beginRun(): void {
    this.occurrences = new Map();
  }

  /** Records an event unless the replay of an earlier run already recorded it. Returns whether it was new. */
  emit(type: string, details?: JsonObject): boolean {
    const base = `${type}|${subjectOf(details)}`;
    const occurrence = this.occurrences.get(base) ?? 0;
    this.occurrences.set(base, occurrence + 1);
    const signature = `${base}|${occurrence}`;
    if (this.signatures.has(signature)) return false;
    const previous = this.recorded[this.recorded.length - 1];
    const id = (previous?.id ?? 0) + 1;
    const event: StoredHistoryEvent = {
      id,
      previousEventId: previous?.id ?? 0,
      timestampMs: this.now(),
      type,
      ...(details ? { details: withDataDetails(details) } : {}),
      signature,
    };
    this.recorded.push(event);
    this.signatures.add(signature);
    this.sink(event);
    return true;
  }
}
