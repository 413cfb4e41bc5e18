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
  /** Billed duration (rounded up to the millisecond) times the configured memory in GB. */
  lambdaGbSeconds: number;
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

/** A request with this header set to 1 and everything it causes is not counted (a benchmark's own polling). */
export const UNMETERED_HEADER = 'x-local-unmetered';

/** The usage meter of one local stack. */
export class LocalUsage {
  private counts = emptyUsage();
  /** Write units per table and index (`Invoices`, `Invoices/byStatus`), for finding where they go. */
  private readonly writesByTarget = new Map<string, number>();
  private readonly gbSecondsByFunction = new Map<string, number>();
  private readonly unmetered = new AsyncLocalStorage<boolean>();

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

  /** Write units so far per table (without the stage prefix) and per index. */
  writeUnitsByTarget(): Record<string, number> {
    return Object.fromEntries(this.writesByTarget);
  }

  lambdaInvoked(functionId: string, memoryMb: number, durationMs: number): void {
    if (!this.counting) return;
    const gbSeconds = (Math.max(1, Math.ceil(durationMs)) / 1000) * (memoryMb / 1024);
    this.counts.lambdaInvocations += 1;
    this.counts.lambdaGbSeconds += gbSeconds;
    this.gbSecondsByFunction.set(functionId, (this.gbSecondsByFunction.get(functionId) ?? 0) + gbSeconds);
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
