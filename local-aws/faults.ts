/**
 * Fault injection, locally only: a function fails once or N times (with a given error name), times
 * out (`Sandbox.Timedout`), sees DynamoDB throttle it (`ProvisionedThroughputExceededException`),
 * SES refuse (`MessageRejected`) or throttle (`Throttling`), Step Functions throttle
 * (`ThrottlingException`) or answer slowly. Rules are matched per function (or any function) and
 * per call count, and are set over `/_local/faults` (finance key) or with {@link LocalFaults} in tests.
 *
 * How: the local Lambda runtime runs every invocation inside {@link LocalFaults.runAs} (an
 * AsyncLocalStorage that knows the function), asks {@link LocalFaults.beforeInvoke} /
 * {@link LocalFaults.afterInvoke} around the handler, and `install()` wraps the AWS SDK v3 clients'
 * `send` (the one `Client` class every client extends) so that a call made by a function's code is
 * checked against the rules first. The local Step Functions service asks {@link LocalFaults.beforeStepFunctionsAction}
 * for its own actions (a `states:startExecution` task, SendTaskSuccess...). Lambda code never knows:
 * nothing in `lambdas/` looks at where it runs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { DynamoDBServiceException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { MessageRejected, SESServiceException } from '@aws-sdk/client-ses';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { functions, type FunctionId } from '../lib/definitions/functions';

/** What goes wrong. */
export type FaultKind =
  /** The function fails with `errorName` (before its code runs, or after it ran with `phase: 'after'`). */
  | 'error'
  /** The function runs, but its caller sees `Sandbox.Timedout` (the answer is lost: the worst case for repeats). */
  | 'timeout'
  /** DynamoDB throttles a call the function makes: `ProvisionedThroughputExceededException` (or `errorName`). */
  | 'dynamodb-throttle'
  /** SES refuses the email: `MessageRejected` (or `errorName`). */
  | 'ses-reject'
  /** SES throttles: `Throttling` (maximum sending rate exceeded). */
  | 'ses-throttle'
  /** Step Functions throttles an action: `ThrottlingException`. */
  | 'sfn-throttle'
  /** Step Functions answers `delayMs` late. */
  | 'sfn-slow';

export interface FaultRequest {
  readonly kind: FaultKind;
  /** The function whose invocations (or calls) fail; absent: any function (Step Functions faults: also the service's own tasks). */
  readonly functionId?: FunctionId;
  /** For `error`: the error name the function fails with (default `Error`). For SDK faults: overrides the exception name. */
  readonly errorName?: string;
  readonly message?: string;
  /** For `error`: before the handler runs (default) or after it ran (the work is done, the answer is an error). */
  readonly phase?: 'before' | 'after';
  /** For SDK faults: only this operation (`PutItem`, `TransactWriteItems`, `SendRawEmail`, `SendTaskSuccess`, `StartExecution`...). */
  readonly operation?: string;
  /** How many times the fault strikes (default 1); `0` means every matching call from now on. */
  readonly times?: number;
  /** Matching calls let through before the fault strikes (default 0). */
  readonly after?: number;
  /** For `sfn-slow`: the delay in milliseconds (default 500). */
  readonly delayMs?: number;
}

export interface Fault extends Required<Pick<FaultRequest, 'kind' | 'times' | 'after'>>, Omit<FaultRequest, 'kind' | 'times' | 'after'> {
  readonly id: string;
  /** Matching calls seen so far. */
  seen: number;
  /** Times the fault struck. */
  injected: number;
  readonly createdAt: string;
}

export class InvalidFaultError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'InvalidFaultError';
  }
}

const KINDS: readonly FaultKind[] = ['error', 'timeout', 'dynamodb-throttle', 'ses-reject', 'ses-throttle', 'sfn-throttle', 'sfn-slow'];
const SDK_SERVICE: Partial<Record<FaultKind, string>> = {
  'dynamodb-throttle': 'DynamoDB',
  'ses-reject': 'SES',
  'ses-throttle': 'SES',
  'sfn-throttle': 'SFN',
  'sfn-slow': 'SFN',
};

/** The error a timed-out Lambda reports to its caller (as Step Functions sees it). */
export class SandboxTimedoutError extends Error {
  constructor(functionName: string, seconds: number) {
    super(`Task timed out after ${seconds}.00 seconds (${functionName}, injected)`);
    this.name = 'Sandbox.Timedout';
  }
}

/** An error named as the fault asks (Lambda's `errorType` is the error's name). */
export class InjectedFunctionError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type Send = (this: { config?: { serviceId?: string } }, command: { constructor: { name: string } }, ...rest: unknown[]) => Promise<unknown>;

let installedOn: { prototype: { send: Send } } | undefined;
let active: LocalFaults | undefined;

export class LocalFaults {
  private readonly rules: Fault[] = [];
  private readonly context = new AsyncLocalStorage<{ functionId: FunctionId }>();
  private nextId = 1;
  /** Every fault that struck, in order (tests print and count them). */
  readonly log: { faultId: string; kind: FaultKind; functionId?: string; operation?: string; at: string }[] = [];

  /** Wraps the SDK clients' `send` for this process (once); this instance answers from now on. */
  install(): void {
    active = this;
    if (installedOn) return;
    const require = createRequire(import.meta.url);
    const { Client } = require('@smithy/core/client') as { Client: { prototype: { send: Send } } };
    const original = Client.prototype.send;
    Client.prototype.send = async function send(this: { config?: { serviceId?: string } }, command, ...rest) {
      await active?.beforeSdkCall(this.config?.serviceId ?? '', operationName(command.constructor.name));
      return original.call(this, command, ...rest);
    } as Send;
    installedOn = Client;
  }

  /** Stops answering for this process's SDK calls (the wrapper stays, inert). */
  uninstall(): void {
    if (active === this) active = undefined;
  }

  add(request: FaultRequest): Fault {
    const fault = validate(request, `fault-${this.nextId++}`);
    this.rules.push(fault);
    return fault;
  }

  list(): readonly Fault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Clears one fault by id, or all. Returns how many were removed. */
  clear(id?: string): number {
    if (id === undefined) {
      const n = this.rules.length;
      this.rules.length = 0;
      return n;
    }
    const index = this.rules.findIndex((r) => r.id === id);
    if (index < 0) return 0;
    this.rules.splice(index, 1);
    return 1;
  }

  /** Runs `work` as an invocation of `functionId` (SDK calls inside are matched to it). */
  runAs<T>(functionId: FunctionId, work: () => Promise<T>): Promise<T> {
    return this.context.run({ functionId }, work);
  }

  /** The function whose invocation is running here, if any. */
  currentFunction(): FunctionId | undefined {
    return this.context.getStore()?.functionId;
  }

  /** Before a function's handler runs: throws the injected error of an `error` fault (phase before). */
  beforeInvoke(functionId: FunctionId): void {
    const fault = this.strike((r) => r.kind === 'error' && (r.phase ?? 'before') === 'before' && matchesFunction(r, functionId), functionId);
    if (fault) throw new InjectedFunctionError(fault.errorName ?? 'Error', fault.message ?? `Injected fault ${fault.id}`);
  }

  /** After a function's handler ran: a `timeout` fault (the answer is lost) or an `error` fault of phase after. */
  afterInvoke(functionId: FunctionId, functionName: string, timeoutSeconds: number): void {
    const fault = this.strike(
      (r) => (r.kind === 'timeout' || (r.kind === 'error' && r.phase === 'after')) && matchesFunction(r, functionId),
      functionId,
    );
    if (!fault) return;
    if (fault.kind === 'timeout') throw new SandboxTimedoutError(functionName, timeoutSeconds);
    throw new InjectedFunctionError(fault.errorName ?? 'Error', fault.message ?? `Injected fault ${fault.id}`);
  }

  /** Before the local Step Functions service performs `action` (API call or a task of an execution). */
  async beforeStepFunctionsAction(action: string): Promise<void> {
    await this.sfnFault(action, this.currentFunction());
  }

  private async beforeSdkCall(serviceId: string, operation: string): Promise<void> {
    const functionId = this.currentFunction();
    // Only the functions' own calls: the local services' internal clients are not faulted here.
    if (!functionId) return;
    if (serviceId === 'SFN') return this.sfnFault(operation, functionId);
    const fault = this.strike(
      (r) => SDK_SERVICE[r.kind] === serviceId && r.kind !== 'sfn-slow' && matchesFunction(r, functionId) && (r.operation === undefined || r.operation === operation),
      functionId,
      operation,
    );
    if (!fault) return;
    const message = fault.message ?? `Injected fault ${fault.id}`;
    const $metadata = { httpStatusCode: 400, requestId: fault.id, attempts: 1, totalRetryDelay: 0 };
    switch (fault.kind) {
      case 'dynamodb-throttle':
        if (fault.errorName && fault.errorName !== 'ProvisionedThroughputExceededException') {
          throw new DynamoDBServiceException({ name: fault.errorName, $fault: 'client', $metadata, message });
        }
        throw new ProvisionedThroughputExceededException({ $metadata, message: fault.message ?? 'The level of configured provisioned throughput for the table was exceeded (injected)' });
      case 'ses-reject':
        if (fault.errorName && fault.errorName !== 'MessageRejected') throw new SESServiceException({ name: fault.errorName, $fault: 'client', $metadata, message });
        throw new MessageRejected({ $metadata, message: fault.message ?? 'Email address is not verified (injected)' });
      case 'ses-throttle':
        throw new SESServiceException({ name: fault.errorName ?? 'Throttling', $fault: 'client', $metadata, message: fault.message ?? 'Maximum sending rate exceeded (injected)' });
      default:
        return;
    }
  }

  private async sfnFault(operation: string, functionId: FunctionId | undefined): Promise<void> {
    const matches = (r: Fault) => (r.functionId === undefined ? functionId !== 'Authorizer' : r.functionId === functionId) && (r.operation === undefined || r.operation === operation);
    const slow = this.strike((r) => r.kind === 'sfn-slow' && matches(r), functionId, operation);
    if (slow) await new Promise((resolve) => setTimeout(resolve, slow.delayMs ?? 500));
    const throttle = this.strike((r) => r.kind === 'sfn-throttle' && matches(r), functionId, operation);
    if (throttle) {
      throw new SFNServiceException({
        name: throttle.errorName ?? 'ThrottlingException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400, requestId: throttle.id },
        message: throttle.message ?? 'Rate exceeded (injected)',
      });
    }
  }

  /** Counts the call on the first matching rule; returns it when the fault strikes this time. */
  private strike(match: (rule: Fault) => boolean, functionId: string | undefined, operation?: string): Fault | undefined {
    const rule = this.rules.find((r) => match(r) && (r.times === 0 || r.injected < r.times));
    if (!rule) return undefined;
    rule.seen++;
    if (rule.seen <= rule.after) return undefined;
    rule.injected++;
    this.log.push({ faultId: rule.id, kind: rule.kind, ...(functionId ? { functionId } : {}), ...(operation ? { operation } : {}), at: new Date().toISOString() });
    return rule;
  }
}

/** The API operation of a command: the document client's `TransactWriteCommand` is `TransactWriteItems`, as the low-level one. */
const DOCUMENT_OPERATIONS: Record<string, string> = {
  Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchGet: 'BatchGetItem', BatchWrite: 'BatchWriteItem', TransactGet: 'TransactGetItems', TransactWrite: 'TransactWriteItems',
};
function operationName(commandClass: string): string {
  const name = commandClass.replace(/Command$/, '');
  return DOCUMENT_OPERATIONS[name] ?? name;
}

/** A rule without a function matches every function but the authorizer (so `/_local/faults` stays reachable). */
function matchesFunction(rule: Fault, functionId: FunctionId | undefined): boolean {
  if (rule.functionId === undefined) return functionId !== 'Authorizer';
  return rule.functionId === functionId;
}

function validate(request: FaultRequest, id: string): Fault {
  if (typeof request !== 'object' || request === null) throw new InvalidFaultError('(body)', 'must be a JSON object');
  if (!KINDS.includes(request.kind)) throw new InvalidFaultError('kind', `must be one of ${KINDS.join(', ')}`);
  if (request.functionId !== undefined && !functions.some((f) => f.id === request.functionId)) {
    throw new InvalidFaultError('functionId', `is not a declared function (${functions.map((f) => f.id).join(', ')})`);
  }
  const count = (field: 'times' | 'after', fallback: number) => {
    const value = request[field] ?? fallback;
    if (!Number.isInteger(value) || value < 0) throw new InvalidFaultError(field, 'must be a whole number, 0 or more');
    return value;
  };
  for (const field of ['errorName', 'message', 'operation'] as const) {
    const value = request[field];
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new InvalidFaultError(field, 'must be a non-empty string');
  }
  if (request.phase !== undefined && request.phase !== 'before' && request.phase !== 'after') throw new InvalidFaultError('phase', 'must be before or after');
  if (request.delayMs !== undefined && (!Number.isInteger(request.delayMs) || request.delayMs < 0 || request.delayMs > 60_000)) {
    throw new InvalidFaultError('delayMs', 'must be a whole number of milliseconds from 0 to 60000');
  }
  return {
    ...request,
    id,
    kind: request.kind,
    times: count('times', 1),
    after: count('after', 0),
    seen: 0,
    injected: 0,
    createdAt: new Date().toISOString(),
  };
}
