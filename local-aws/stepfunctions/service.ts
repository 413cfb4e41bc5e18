/**
 * The local AWS Step Functions service: the state machines of the product, executed by
 * `aws-local-stepfunctions` (see `engine.ts`), persisted under `dataDir` (see `store.ts`), and served
 * over the Step Functions API (AWS JSON 1.0, see `http.ts`) so that `@aws-sdk/client-sfn` with
 * `endpoint` (or `AWS_ENDPOINT_URL_SFN`) and the AWS CLI with `--endpoint-url` work against it.
 *
 * Actions: StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory, StopExecution,
 * SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat, ListStateMachines, DescribeStateMachine,
 * DescribeStateMachineForExecution.
 *
 * Time is only read from `options.clock`. Executions that were RUNNING when the service stopped
 * resume on the next `start()` (same tokens, same deadlines, no repeated calls; see `engine.ts`).
 */
import '../polyfills';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalClock } from '../clock';
import { prepareDefinition, type PreparedDefinition } from './definition';
import { ExecutionRun, libraryTimeoutErrorClass, roleArnOf, type EngineHost } from './engine';
import { StepFunctionsError } from './errors';
import { ExecutionHistory, toWireEvent } from './history';
import { createStepFunctionsServer } from './http';
import { isJsonObject } from './integrations';
import { ExecutionStore } from './store';
import type { ExecutionRecord, ExecutionStatus, JournalEntry, JsonObject, JsonValue, StoredHistoryEvent } from './types';

/** A state machine the service offers: its name (in its ARN) and its ASL definition. */
export interface LocalStateMachineDefinition {
  name: string;
  /** ASL with `${...}` substitutions already applied. */
  definition: Record<string, unknown>;
}

/** Options of {@link LocalStepFunctions}. */
export interface LocalStepFunctionsOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port. */
  port: number;
  /** Persistence folder (created if missing). */
  dataDir: string;
  clock: LocalClock;
  /** For example `eu-west-1`. */
  region: string;
  /** For example `000000000000`. */
  accountId: string;
  stateMachines: LocalStateMachineDefinition[];
  /** In-process Lambda; a throw becomes the task error named by the error's `name`. */
  invokeLambda(functionNameOrArn: string, payload: unknown): Promise<unknown>;
  /** For the `dynamodb:*` direct integrations. */
  dynamodb: DynamoDBClient;
  log?: (message: string) => void;
  /**
   * Real-time scale of the pauses between Retry attempts: the pause is
   * `IntervalSeconds × BackoffRate^n × retryDelayScale` seconds. Default 0.01 (1 s → 10 ms).
   */
  retryDelayScale?: number;
  /**
   * Called before the service's own Step Functions actions inside executions (a `states:startExecution`
   * task); a throw fails the task as that API error would (fault injection, see `local-aws/faults.ts`).
   */
  beforeTaskAction?: (action: string) => Promise<void>;
  /** The longest an execution may run (AWS: one year for standard executions). */
  maxExecutionSeconds?: number;
}

/** A standard execution lasts a year at most on AWS; then it times out. */
export const MAX_EXECUTION_SECONDS = 365 * 86_400;

interface MachineEntry {
  readonly name: string;
  readonly arn: string;
  readonly prepared: PreparedDefinition;
  readonly creationDateMs: number;
}

interface ExecutionEntry {
  readonly record: ExecutionRecord;
  readonly history: ExecutionHistory;
  /** Creation order, to sort executions that started at the same instant. */
  readonly order: number;
}

const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[^:]+:\d{12}:stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[^:]+:\d{12}:execution:([^:]+):([^:]+)$/;
// AWS: 1-80 characters, no whitespace, brackets, wildcards, special characters or control characters.
const INVALID_NAME_CHARACTER = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

function seconds(ms: number): number {
  return ms / 1000;
}

function field(request: JsonObject, name: string): JsonValue | undefined {
  return request[name];
}

function requiredString(request: JsonObject, name: string): string {
  const value = field(request, name);
  if (typeof value !== 'string') {
    throw new StepFunctionsError('ValidationException', `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must not be null and must be a string`);
  }
  return value;
}

function optionalString(request: JsonObject, name: string): string | undefined {
  const value = field(request, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new StepFunctionsError('ValidationException', `Value at '${name}' must be a string`);
  return value;
}

function optionalNumber(request: JsonObject, name: string): number | undefined {
  const value = field(request, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new StepFunctionsError('ValidationException', `Value at '${name}' must be an integer`);
  return value;
}

function pageSize(request: JsonObject): number {
  const maxResults = optionalNumber(request, 'maxResults') ?? 0;
  if (maxResults < 0 || maxResults > 1000) {
    throw new StepFunctionsError('ValidationException', `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  return maxResults === 0 ? 100 : maxResults;
}

/** Page tokens are opaque to callers; they remember what they page over and where. */
function encodePageToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ scope, offset })).toString('base64url');
}

function decodePageToken(token: string | undefined, scope: string): number {
  if (token === undefined) return 0;
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { scope?: unknown; offset?: unknown };
    if (decoded.scope === scope && typeof decoded.offset === 'number' && decoded.offset >= 0) return decoded.offset;
  } catch {
    // fall through
  }
  throw new StepFunctionsError('InvalidToken', `Invalid Token: '${token}'`);
}

function page<T>(items: readonly T[], request: JsonObject, scope: string): { items: T[]; nextToken?: string } {
  const offset = decodePageToken(optionalString(request, 'nextToken'), scope);
  const size = pageSize(request);
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length ? { items: slice, nextToken: encodePageToken(scope, offset + size) } : { items: slice };
}

/**
 * The local Step Functions service. Construct it with the product's state machines (their
 * definitions are validated and prepared at once: an invalid or unsupported definition throws),
 * then `start()` it.
 */
export class LocalStepFunctions {
  private readonly options: LocalStepFunctionsOptions;
  private readonly log: (message: string) => void;
  private readonly store: ExecutionStore;
  private readonly machines = new Map<string, MachineEntry>();
  private readonly preparedByText = new Map<string, PreparedDefinition>();
  private readonly executions = new Map<string, ExecutionEntry>();
  private readonly runs = new Map<string, ExecutionRun>();
  private readonly tokens = new Map<string, { executionArn: string; seq: number }>();
  private readonly closeListeners = new Map<string, Set<() => void>>();
  private readonly host: EngineHost;
  private server: Server | undefined;
  private started = false;
  private order = 0;
  private timeoutError: (new () => Error) | undefined;

  constructor(options: LocalStepFunctionsOptions) {
    this.options = options;
    this.log = options.log ?? (() => undefined);
    this.store = new ExecutionStore(options.dataDir);
    const now = options.clock.nowMs();
    for (const machine of options.stateMachines) {
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(machine.name)) throw new Error(`Invalid state machine name: ${machine.name}`);
      const prepared = prepareDefinition(machine.name, machine.definition as JsonObject);
      this.preparedByText.set(prepared.text, prepared);
      const arn = this.stateMachineArn(machine.name);
      this.machines.set(arn, { name: machine.name, arn, prepared, creationDateMs: now });
    }
    this.host = this.createHost();
  }

  /** `arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`. */
  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.options.region}:${this.options.accountId}:stateMachine:${name}`;
  }

  /**
   * Loads the persisted executions, listens (`http://host:port`), then resumes every execution that
   * was RUNNING.
   */
  async start(): Promise<{ url: string }> {
    if (this.started) throw new Error('The local Step Functions service is already started');
    this.timeoutError = await libraryTimeoutErrorClass();
    this.store.init();
    this.executions.clear();
    this.tokens.clear();
    const loaded = this.store.loadAll().sort((a, b) => a.record.startDateMs - b.record.startDateMs || a.record.name.localeCompare(b.record.name));
    for (const { record, history } of loaded) {
      this.track(record, history);
      for (const entry of record.journal) {
        if (entry.token !== undefined) this.tokens.set(entry.token, { executionArn: record.executionArn, seq: entry.seq });
      }
    }
    const host = this.options.host ?? '127.0.0.1';
    const server = createStepFunctionsServer((action, request) => this.handle(action, request), this.log);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.started = true;
    for (const { record } of this.executions.values()) {
      if (record.status === 'RUNNING') this.resume(record);
    }
    const address = server.address() as AddressInfo;
    return { url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}` };
  }

  /**
   * Stops listening and ends the in-memory runs without changing their status: RUNNING executions
   * stay RUNNING on disk and resume on the next `start()`.
   */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    const runs = [...this.runs.values()];
    this.runs.clear();
    await Promise.all(runs.map((run) => run.detach()));
    this.closeListeners.clear();
  }

  /**
   * Runs an API action in process, with the same semantics (and the same JSON request/response
   * shapes, dates as epoch seconds) as over HTTP: `handle('StartExecution', { stateMachineArn, input })`.
   * Throws {@link StepFunctionsError} (with `type` = the API error code) for API errors.
   */
  async handle(action: string, request: unknown): Promise<unknown> {
    const release = this.options.clock.busy();
    try {
      if (!this.started) throw new StepFunctionsError('ServiceUnavailable', 'The local Step Functions service is not started', 503);
      if (!isJsonObject(request as JsonValue)) throw new StepFunctionsError('SerializationException', 'The request must be a JSON object');
      const body = request as JsonObject;
      switch (action) {
        case 'StartExecution':
          return this.startExecution(body);
        case 'DescribeExecution':
          return this.describeExecution(body);
        case 'ListExecutions':
          return this.listExecutions(body);
        case 'GetExecutionHistory':
          return this.getExecutionHistory(body);
        case 'StopExecution':
          return this.stopExecution(body);
        case 'SendTaskSuccess':
          return this.sendTaskSuccess(body);
        case 'SendTaskFailure':
          return this.sendTaskFailure(body);
        case 'SendTaskHeartbeat':
          return this.sendTaskHeartbeat(body);
        case 'ListStateMachines':
          return this.listStateMachines(body);
        case 'DescribeStateMachine':
          return this.describeStateMachine(body);
        case 'DescribeStateMachineForExecution':
          return this.describeStateMachineForExecution(body);
        default:
          throw new StepFunctionsError('UnknownOperationException', `The local Step Functions service does not implement ${action}`);
      }
    } finally {
      release();
    }
  }

  // ---- engine host ----

  private createHost(): EngineHost {
    const options = this.options;
    return {
      clock: options.clock,
      region: options.region,
      accountId: options.accountId,
      dynamodb: options.dynamodb,
      retryDelayScale: options.retryDelayScale ?? 0.01,
      beforeTaskAction: async (action) => {
        if (!options.beforeTaskAction) return;
        try {
          await options.beforeTaskAction(action);
        } catch (error) {
          const name = error instanceof Error && error.name === 'ThrottlingException' ? 'ThrottlingException' : 'ServiceUnavailable';
          throw new StepFunctionsError(name, error instanceof Error ? error.message : String(error), 400);
        }
      },
      log: (message) => this.log(message),
      invokeLambda: (functionNameOrArn, payload) => options.invokeLambda(functionNameOrArn, payload),
      saveRecord: (record) => this.store.saveRecord(record),
      registerToken: (token, executionArn, seq) => this.tokens.set(token, { executionArn, seq }),
      startChildExecution: (request) => {
        const machine = this.machineByArn(request.stateMachineArn);
        validateName(request.name);
        parseInput(request.input);
        return this.createExecution(machine, request.name, request.input, request.parentExecutionArn);
      },
      getExecution: (executionArn) => this.executions.get(executionArn)?.record,
      onExecutionClosed: (executionArn, listener) => {
        let listeners = this.closeListeners.get(executionArn);
        if (!listeners) this.closeListeners.set(executionArn, (listeners = new Set()));
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      executionClosed: (record) => {
        const listeners = this.closeListeners.get(record.executionArn);
        this.closeListeners.delete(record.executionArn);
        listeners?.forEach((listener) => listener());
      },
      newTimeoutError: () => {
        if (!this.timeoutError) throw new Error('The service is not started');
        return new this.timeoutError();
      },
    };
  }

  private track(record: ExecutionRecord, events: StoredHistoryEvent[]): ExecutionEntry {
    const history = new ExecutionHistory(
      events,
      () => this.options.clock.nowMs(),
      (event) => this.store.appendHistory(record, [event]),
    );
    const entry: ExecutionEntry = { record, history, order: this.order++ };
    this.executions.set(record.executionArn, entry);
    return entry;
  }

  private preparedFor(record: ExecutionRecord): PreparedDefinition {
    const cached = this.preparedByText.get(record.definition);
    if (cached) return cached;
    const prepared = prepareDefinition(record.stateMachineName, JSON.parse(record.definition) as JsonObject);
    this.preparedByText.set(record.definition, prepared);
    return prepared;
  }

  private run(entry: ExecutionEntry, prepared: PreparedDefinition): void {
    const run = new ExecutionRun(this.host, entry.record, entry.history, prepared);
    this.runs.set(entry.record.executionArn, run);
    run.start();
    void run.done.then(() => {
      if (this.runs.get(entry.record.executionArn) === run) this.runs.delete(entry.record.executionArn);
    });
  }

  private resume(record: ExecutionRecord): void {
    const entry = this.executions.get(record.executionArn);
    if (!entry) return;
    let prepared: PreparedDefinition;
    try {
      prepared = this.preparedFor(record);
    } catch (error) {
      this.log(`Cannot resume ${record.executionArn}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.log(`Resuming ${record.executionArn} (${record.journal.length} journaled steps)`);
    this.run(entry, prepared);
  }

  // ---- lookups ----

  private machineByArn(arn: string): MachineEntry {
    if (!STATE_MACHINE_ARN.test(arn)) throw new StepFunctionsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    const machine = this.machines.get(arn);
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private executionByArn(arn: string): ExecutionEntry {
    if (!EXECUTION_ARN.test(arn)) throw new StepFunctionsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    const entry = this.executions.get(arn);
    if (!entry) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return entry;
  }

  /** The open task of a token: InvalidToken if never issued, TaskTimedOut if the task is over. */
  private taskByToken(token: string): { entry: ExecutionEntry; task: JournalEntry } {
    const known = this.tokens.get(token);
    if (!known) throw new StepFunctionsError('InvalidToken', `Invalid Token: 'Invalid token'`);
    const entry = this.executions.get(known.executionArn);
    const task = entry?.record.journal[known.seq];
    if (!entry || !task || entry.record.status !== 'RUNNING' || task.outcome) {
      throw new StepFunctionsError('TaskTimedOut', `Task Timed Out: 'Provided task does not exist anymore'`);
    }
    return { entry, task };
  }

  // ---- executions ----

  private createExecution(machine: MachineEntry, name: string, input: string, parentExecutionArn?: string): ExecutionRecord {
    const executionArn = `arn:aws:states:${this.options.region}:${this.options.accountId}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn)?.record;
    if (existing) {
      const sameRequest = existing.input === input && existing.stateMachineArn === machine.arn;
      if (sameRequest && (existing.status === 'RUNNING' || (parentExecutionArn !== undefined && existing.parentExecutionArn === parentExecutionArn))) {
        return existing;
      }
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const now = this.options.clock.nowMs();
    // The machine's TimeoutSeconds, and in any case the year a standard execution may last at most.
    const maxSeconds = this.options.maxExecutionSeconds ?? MAX_EXECUTION_SECONDS;
    const timeoutSeconds = Math.min(machine.prepared.timeoutSeconds ?? maxSeconds, maxSeconds);
    const record: ExecutionRecord = {
      version: 1,
      executionArn,
      stateMachineArn: machine.arn,
      stateMachineName: machine.name,
      name,
      input,
      definition: machine.prepared.text,
      startDateMs: now,
      ...(timeoutSeconds !== undefined ? { timeoutAtMs: now + timeoutSeconds * 1000 } : {}),
      ...(parentExecutionArn !== undefined ? { parentExecutionArn } : {}),
      status: 'RUNNING',
      journal: [],
    };
    this.store.saveRecord(record);
    const entry = this.track(record, []);
    entry.history.emit('ExecutionStarted', { input, roleArn: roleArnOf(this.options.accountId, machine.name) });
    this.run(entry, machine.prepared);
    return record;
  }

  private startExecution(request: JsonObject): JsonObject {
    const machine = this.machineByArn(requiredString(request, 'stateMachineArn'));
    const name = optionalString(request, 'name') ?? randomUUID();
    validateName(name);
    const input = optionalString(request, 'input') ?? '{}';
    parseInput(input);
    const record = this.createExecution(machine, name, input);
    return { executionArn: record.executionArn, startDate: seconds(record.startDateMs) };
  }

  private describeExecution(request: JsonObject): JsonObject {
    const { record } = this.executionByArn(requiredString(request, 'executionArn'));
    const description: JsonObject = {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: seconds(record.startDateMs),
      input: record.input,
      inputDetails: { included: true },
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    };
    if (record.stopDateMs !== undefined) description['stopDate'] = seconds(record.stopDateMs);
    if (record.output !== undefined) {
      description['output'] = record.output;
      description['outputDetails'] = { included: true };
    }
    if (record.error !== undefined) description['error'] = record.error;
    if (record.cause !== undefined) description['cause'] = record.cause;
    return description;
  }

  private listExecutions(request: JsonObject): JsonObject {
    const machineArn = optionalString(request, 'stateMachineArn');
    if (machineArn !== undefined) this.machineByArn(machineArn);
    const statusFilter = optionalString(request, 'statusFilter');
    if (statusFilter !== undefined && !EXECUTION_STATUSES.includes(statusFilter as ExecutionStatus)) {
      throw new StepFunctionsError('ValidationException', `Value '${statusFilter}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${EXECUTION_STATUSES.join(', ')}]`);
    }
    const matching = [...this.executions.values()]
      .filter(({ record }) => (machineArn === undefined || record.stateMachineArn === machineArn) && (statusFilter === undefined || record.status === statusFilter))
      .sort((a, b) => b.record.startDateMs - a.record.startDateMs || b.order - a.order);
    const { items, nextToken } = page(matching, request, `executions|${machineArn ?? ''}|${statusFilter ?? ''}`);
    const executions = items.map(({ record }): JsonObject => ({
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: seconds(record.startDateMs),
      ...(record.stopDateMs !== undefined ? { stopDate: seconds(record.stopDateMs) } : {}),
      redriveCount: 0,
    }));
    return nextToken !== undefined ? { executions, nextToken } : { executions };
  }

  private getExecutionHistory(request: JsonObject): JsonObject {
    const executionArn = requiredString(request, 'executionArn');
    const { history } = this.executionByArn(executionArn);
    const reverse = field(request, 'reverseOrder') === true;
    const includeExecutionData = field(request, 'includeExecutionData') !== false;
    const ordered = reverse ? [...history.events].reverse() : history.events;
    const { items, nextToken } = page(ordered, request, `history|${executionArn}|${reverse}`);
    const events = items.map((event) => toWireEvent(event, includeExecutionData));
    return nextToken !== undefined ? { events, nextToken } : { events };
  }

  private stopExecution(request: JsonObject): JsonObject {
    const entry = this.executionByArn(requiredString(request, 'executionArn'));
    const record = entry.record;
    if (record.status === 'RUNNING') this.stopRecord(entry, optionalString(request, 'error'), optionalString(request, 'cause'));
    return { stopDate: seconds(record.stopDateMs ?? this.options.clock.nowMs()) };
  }

  /** ABORTs a running execution, and the `.sync` children it is waiting for. */
  private stopRecord(entry: ExecutionEntry, error: string | undefined, cause: string | undefined): void {
    const record = entry.record;
    const run = this.runs.get(record.executionArn);
    if (run) {
      run.terminate('ABORTED', error, cause);
    } else {
      record.status = 'ABORTED';
      record.stopDateMs = this.options.clock.nowMs();
      if (error !== undefined) record.error = error;
      if (cause !== undefined) record.cause = cause;
      const details: JsonObject = {};
      if (error !== undefined) details['error'] = error;
      if (cause !== undefined) details['cause'] = cause;
      entry.history.emit('ExecutionAborted', details);
      this.store.saveRecord(record);
      this.host.executionClosed(record);
    }
    const prepared = this.preparedByText.get(record.definition);
    for (const task of record.journal) {
      if (task.childExecutionArn === undefined || task.outcome) continue;
      const pattern = prepared?.states.get(task.state)?.resource;
      if (pattern?.kind !== 'startExecution' || (pattern.pattern !== 'sync' && pattern.pattern !== 'sync2')) continue;
      const child = this.executions.get(task.childExecutionArn);
      if (child?.record.status === 'RUNNING') this.stopRecord(child, 'States.Aborted', `Parent execution ${record.executionArn} was stopped`);
    }
  }

  // ---- task tokens ----

  private sendTaskSuccess(request: JsonObject): JsonObject {
    const token = requiredString(request, 'taskToken');
    const outputText = requiredString(request, 'output');
    let output: JsonValue;
    try {
      output = JSON.parse(outputText) as JsonValue;
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    const { entry, task } = this.taskByToken(token);
    task.outcome = { status: 'succeeded', output };
    this.store.saveRecord(entry.record);
    this.runs.get(entry.record.executionArn)?.notify(task.seq);
    return {};
  }

  private sendTaskFailure(request: JsonObject): JsonObject {
    const token = requiredString(request, 'taskToken');
    const error = optionalString(request, 'error') ?? '';
    const cause = optionalString(request, 'cause') ?? '';
    const { entry, task } = this.taskByToken(token);
    task.outcome = { status: 'failed', error, cause };
    this.store.saveRecord(entry.record);
    this.runs.get(entry.record.executionArn)?.notify(task.seq);
    return {};
  }

  private sendTaskHeartbeat(request: JsonObject): JsonObject {
    const { entry, task } = this.taskByToken(requiredString(request, 'taskToken'));
    task.lastHeartbeatMs = this.options.clock.nowMs();
    this.store.saveRecord(entry.record);
    this.runs.get(entry.record.executionArn)?.notify(task.seq);
    return {};
  }

  // ---- state machines ----

  private listStateMachines(request: JsonObject): JsonObject {
    const all = [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { items, nextToken } = page(all, request, 'stateMachines');
    const stateMachines = items.map((machine): JsonObject => ({
      stateMachineArn: machine.arn,
      name: machine.name,
      type: 'STANDARD',
      creationDate: seconds(machine.creationDateMs),
    }));
    return nextToken !== undefined ? { stateMachines, nextToken } : { stateMachines };
  }

  private describeStateMachine(request: JsonObject): JsonObject {
    const machine = this.machineByArn(requiredString(request, 'stateMachineArn'));
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.prepared.text,
      roleArn: roleArnOf(this.options.accountId, machine.name),
      type: 'STANDARD',
      creationDate: seconds(machine.creationDateMs),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  private describeStateMachineForExecution(request: JsonObject): JsonObject {
    const { record } = this.executionByArn(requiredString(request, 'executionArn'));
    const machine = this.machines.get(record.stateMachineArn);
    return {
      stateMachineArn: record.stateMachineArn,
      name: record.stateMachineName,
      definition: record.definition,
      roleArn: roleArnOf(this.options.accountId, record.stateMachineName),
      updateDate: seconds(machine?.creationDateMs ?? record.startDateMs),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }
}

function validateName(name: string): void {
  if (name.length < 1 || name.length > 80 || INVALID_NAME_CHARACTER.test(name)) {
    throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
  }
}

function parseInput(input: string): JsonValue {
  try {
    return JSON.parse(input) as JsonValue;
  } catch {
    throw new StepFunctionsError('InvalidExecutionInput', `Invalid State Machine Execution Input: 'The input is not valid JSON'`);
  }
}
