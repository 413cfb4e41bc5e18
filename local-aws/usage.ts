/**
 * What the local stack used, counted the way AWS bills it: Lambda invocations and GB-seconds at each
 * function's configured memory, DynamoDB read and write request units (every call asks for
 * `ReturnConsumedCapacity: INDEXES`, so index writes count too), SES messages, S3 requests by class,
 * API Gateway requests, EventBridge Scheduler invocations and published custom metric values. State
 * transitions are not counted here: the executions' own histories hold them (see
 * {@link countStateTransitions}). `npm run bench:cost` reads a snapshot before and after each path.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface UsageCounts {
  lambdaInvocations: number;
  /** Billed duration (rounded up to the millisecond) times the configured memory in GB: each handler's own wall time here, from its start to its end. */
  lambdaGbSeconds: number;
  /**
   * The same as it would be on AWS by {@link awsDurationEstimateMs}: the process CPU time during the
   * invocation at the function's share of a vCPU, plus each AWS call it made at an assumed in-region latency.
   */
  lambdaGbSecondsAwsEstimate: number;
  /** Process CPU milliseconds during invocations (user and system). */
  lambdaCpuMs: number;
  readUnits: number;
  writeUnits: number;
  /** DynamoDB calls, whatever their size. */
  dynamodbRequests: number;
  apiRequests: number;
  emails: number;
  s3PutRequests: number;
  s3GetRequests: number;
  schedulerInvocations: number;
  eventBridgeEvents: number;
  /** Custom metric values published (each EMF log line holds one or more). */
  metricValues: number;
  metricLogBytes: number;
  stepFunctionsSdkCalls: number;
}

export const emptyUsage = (): UsageCounts => ({
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  lambdaGbSecondsAwsEstimate: 0,
  lambdaCpuMs: 0,
  readUnits: 0,
  writeUnits: 0,
  dynamodbRequests: 0,
  apiRequests: 0,
  emails: 0,
  s3PutRequests: 0,
  s3GetRequests: 0,
  schedulerInvocations: 0,
  eventBridgeEvents: 0,
  metricValues: 0,
  metricLogBytes: 0,
  stepFunctionsSdkCalls: 0,
});

type Send = (this: { config?: { serviceId?: string } }, command: { constructor: { name: string }; input?: Record<string, unknown> }, ...rest: unknown[]) => Promise<unknown>;

interface Capacity {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  CapacityUnits?: number;
  Table?: Capacity;
  GlobalSecondaryIndexes?: Record<string, Capacity>;
  LocalSecondaryIndexes?: Record<string, Capacity>;
}

/** S3 GET-class requests (everything else that is billed is PUT-class: PUT, COPY, POST, LIST). */
const S3_GET_CLASS = new Set(['GetObject', 'HeadObject', 'GetObjectAttributes']);
const DYNAMODB_READS = /^(Get|BatchGet|Query|Scan|TransactGet)/;

let installed = false;
let active: LocalUsage | undefined;

/**
 * Assumed latency of one AWS call from a Lambda in the same region, in milliseconds, per service
 * (SDK service id). DynamoDB: AWS documents single-digit-millisecond latency, 10 is its top; the
 * others are assumptions of this estimate (not measured, not published figures), kept generous.
 */
export const AWS_CALL_LATENCY_MS: Readonly<Record<string, number>> = { DynamoDB: 10, SFN: 30, SES: 60, S3: 30, EventBridge: 30, default: 30 };

/** Lambda gives a function one vCPU at 1,769 MB and CPU in proportion to memory below that (AWS Lambda docs, "Memory and computing power"). */
export const ONE_VCPU_MB = 1769;

/**
 * A handler's duration on AWS as estimated from what it did here: its CPU time (measured as the
 * process's during the invocation, so an upper bound while other work overlaps) stretched to the
 * function's share of a vCPU, plus its AWS calls at {@link AWS_CALL_LATENCY_MS}.
 */
export function awsDurationEstimateMs(cpuMs: number, memoryMb: number, calls: ReadonlyMap<string, number>): number {
  let ioMs = 0;
  for (const [service, n] of calls) ioMs += n * (AWS_CALL_LATENCY_MS[service] ?? AWS_CALL_LATENCY_MS.default!);
  return cpuMs * Math.max(1, ONE_VCPU_MB / memoryMb) + ioMs;
}

/** What one invocation did, collected while it runs. */
interface InvocationRecord {
  readonly calls: Map<string, number>;
}

/** A request with this header set to 1 and everything it causes is not counted (a benchmark's own polling). */
export const UNMETERED_HEADER = 'x-local-unmetered';

/** The usage meter of one local stack. */
export class LocalUsage {
  private counts = emptyUsage();
  /** Write units per table and index (`Invoices`, `Invoices/byStatus`), for finding where they go. */
  private readonly writesByTarget = new Map<string, number>();
  /** Write calls per table and operation with the units they consumed (table and indexes), for sizing the items written. */
  private readonly writeCalls = new Map<string, { calls: number; units: number }>();
  private readonly gbSecondsByFunction = new Map<string, number>();
  private readonly unmetered = new AsyncLocalStorage<boolean>();
  private readonly invocation = new AsyncLocalStorage<InvocationRecord>();
  private readonly estimateByFunction = new Map<string, number>();

  /**
   * Runs the gateway's handling of one request: an API request (not `/_local/`, not the console) is
   * counted, unless it carries {@link UNMETERED_HEADER}, in which case nothing it causes is counted.
   */
  request<T>(url: string, headers: Readonly<Record<string, string | string[] | undefined>>, work: () => Promise<T>): Promise<T> {
    if (headers[UNMETERED_HEADER] === '1') return this.unmetered.run(true, work);
    if (!url.startsWith('/_local') && !url.startsWith('/console')) this.apiRequest();
    return work();
  }

  private get counting(): boolean {
    return this.unmetered.getStore() !== true;
  }

  /** Wraps the AWS SDK clients' `send` of this process (once) so that this meter counts the calls. */
  install(): void {
    active = this;
    if (installed) return;
    const require = createRequire(import.meta.url);
    const { Client } = require('@smithy/core/client') as { Client: { prototype: { send: Send } } };
    const original = Client.prototype.send;
    Client.prototype.send = async function send(this: { config?: { serviceId?: string } }, command, ...rest) {
      const meter = active?.counting ? active : undefined;
      if (!meter) return original.call(this, command, ...rest);
      const service = this.config?.serviceId ?? '';
      const operation = command.constructor.name.replace(/Command$/, '');
      if (service === 'DynamoDB' && command.input && command.input.ReturnConsumedCapacity === undefined) command.input.ReturnConsumedCapacity = 'INDEXES';
      try {
        const output = (await original.call(this, command, ...rest)) as { ConsumedCapacity?: Capacity | Capacity[] } | undefined;
        meter.sdkCall(service, operation, output?.ConsumedCapacity);
        return output;
      } catch (error) {
        // A refused conditional write still consumes units; the error carries none, so the least is counted.
        meter.sdkCall(service, operation, undefined, true);
        throw error;
      }
    } as Send;
    installed = true;
  }

  uninstall(): void {
    if (active === this) active = undefined;
  }

  snapshot(): UsageCounts {
    return { ...this.counts };
  }

  /** Write calls so far per `table operation` (a transaction under `TransactWriteItems`) with their units. */
  writeCallsByOperation(): Record<string, { calls: number; units: number }> {
    return Object.fromEntries([...this.writeCalls].map(([k, v]) => [k, { ...v }]));
  }

  /** Write units so far per table (without the stage prefix) and per index. */
  writeUnitsByTarget(): Record<string, number> {
    return Object.fromEntries(this.writesByTarget);
  }

  /**
   * Runs one Lambda invocation (the local runtime's), recording its AWS calls and the process CPU
   * time, and counts it with its wall time from start to end at the function's memory.
   */
  async invoke<T>(functionId: string, memoryMb: number, work: () => Promise<T>): Promise<T> {
    const record: InvocationRecord = { calls: new Map() };
    const started = performance.now();
    const cpu = process.cpuUsage();
    try {
      return await this.invocation.run(record, work);
    } finally {
      const used = process.cpuUsage(cpu);
      this.lambdaInvoked(functionId, memoryMb, performance.now() - started, (used.user + used.system) / 1000, record.calls);
    }
  }

  lambdaInvoked(functionId: string, memoryMb: number, durationMs: number, cpuMs = 0, calls: ReadonlyMap<string, number> = new Map()): void {
    if (!this.counting) return;
    const gbSeconds = (Math.max(1, Math.ceil(durationMs)) / 1000) * (memoryMb / 1024);
    const estimate = (Math.max(1, Math.ceil(awsDurationEstimateMs(cpuMs, memoryMb, calls))) / 1000) * (memoryMb / 1024);
    this.counts.lambdaInvocations += 1;
    this.counts.lambdaGbSeconds += gbSeconds;
    this.counts.lambdaGbSecondsAwsEstimate += estimate;
    this.counts.lambdaCpuMs += cpuMs;
    this.gbSecondsByFunction.set(functionId, (this.gbSecondsByFunction.get(functionId) ?? 0) + gbSeconds);
    this.estimateByFunction.set(functionId, (this.estimateByFunction.get(functionId) ?? 0) + estimate);
  }

  /** Estimated AWS GB-seconds so far per function ({@link awsDurationEstimateMs}). */
  lambdaGbSecondsAwsEstimateByFunction(): Record<string, number> {
    return Object.fromEntries(this.estimateByFunction);
  }

  /** GB-seconds so far per function. */
  lambdaGbSecondsByFunction(): Record<string, number> {
    return Object.fromEntries(this.gbSecondsByFunction);
  }

  private apiRequest(): void {
    this.counts.apiRequests += 1;
  }

  schedulerInvoked(): void {
    if (!this.counting) return;
    this.counts.schedulerInvocations += 1;
  }

  /** A published EMF line with its metric values. */
  metricsPublished(values: number, bytes: number): void {
    if (!this.counting) return;
    this.counts.metricValues += values;
    this.counts.metricLogBytes += bytes;
  }

  private countTargets(capacity: Capacity & { TableName?: string }): void {
    const table = tableLabel(capacity.TableName);
    const add = (key: string, units: number | undefined) => {
      if (units) this.writesByTarget.set(key, (this.writesByTarget.get(key) ?? 0) + units);
    };
    add(table, capacity.Table?.CapacityUnits ?? (capacity.GlobalSecondaryIndexes ? undefined : capacity.CapacityUnits));
    for (const [index, c] of Object.entries(capacity.GlobalSecondaryIndexes ?? {})) add(`${table}/${index}`, c.CapacityUnits);
  }

  private sdkCall(service: string, operation: string, consumed: Capacity | Capacity[] | undefined, failed = false): void {
    const calls = this.invocation.getStore()?.calls;
    if (calls) calls.set(service, (calls.get(service) ?? 0) + 1);
    switch (service) {
      case 'DynamoDB': {
        this.counts.dynamodbRequests += 1;
        const read = DYNAMODB_READS.test(operation);
        const units = [consumed ?? []].flat().reduce((sum, c) => sum + capacityUnits(c, read), 0);
        // A failed call reports nothing: count the least AWS bills for it (a conditional check failure bills the write).
        const billed = consumed === undefined && failed ? 1 : units;
        if (read) this.counts.readUnits += billed;
        else {
          this.counts.writeUnits += billed;
          for (const c of [consumed ?? []].flat()) this.countTargets(c as Capacity & { TableName?: string });
          const tables = [...new Set([consumed ?? []].flat().map((c) => tableLabel((c as { TableName?: string }).TableName)))].sort().join('+') || '?';
          const key = `${tables} ${operation}${failed ? ' (refused)' : ''}`;
          const seen = this.writeCalls.get(key) ?? { calls: 0, units: 0 };
          this.writeCalls.set(key, { calls: seen.calls + 1, units: seen.units + billed });
        }
        break;
      }
      case 'SES':
        if (operation === 'SendEmail' || operation === 'SendRawEmail') this.counts.emails += 1;
        break;
      case 'S3':
        if (S3_GET_CLASS.has(operation)) this.counts.s3GetRequests += 1;
        else this.counts.s3PutRequests += 1;
        break;
      case 'EventBridge':
        if (operation === 'PutEvents') this.counts.eventBridgeEvents += 1;
        break;
      case 'SFN':
        this.counts.stepFunctionsSdkCalls += 1;
        break;
      default:
        break;
    }
  }
}

function tableLabel(name: string | undefined): string {
  return (name ?? '?').replace(/^[^-]*-/, '');
}

function capacityUnits(capacity: Capacity, read: boolean): number {
  const own = read ? capacity.ReadCapacityUnits : capacity.WriteCapacityUnits;
  if (capacity.CapacityUnits !== undefined) return capacity.CapacityUnits;
  return own ?? 0;
}

/** State transitions (`*StateEntered` events) of every execution the local Step Functions kept, per state machine. */
export function countStateTransitions(stepFunctionsDataDir: string): Record<string, number> {
  const root = join(stepFunctionsDataDir, 'executions');
  const counts: Record<string, number> = {};
  if (!existsSync(root)) return counts;
  for (const machine of readdirSync(root, { withFileTypes: true })) {
    if (!machine.isDirectory()) continue;
    let n = 0;
    for (const file of readdirSync(join(root, machine.name))) {
      if (!file.endsWith('.history.jsonl')) continue;
      for (const line of readFileSync(join(root, machine.name, file), 'utf8').split('\n')) {
        if (line.includes('StateEntered"')) n += 1;
      }
    }
    counts[decodeURIComponent(machine.name)] = n;
  }
  return counts;
}
