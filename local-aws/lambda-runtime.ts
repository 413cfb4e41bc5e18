/**
 * Lambda, in-process: each declared function's handler is imported from the same entry file CDK
 * bundles, and invoked with a Lambda context. Invocations hold the clock busy so that moving the
 * clock waits for their consequences; a function that runs past its timeout fails like on AWS.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functionDefaults, functions, type FunctionDefinition, type FunctionId } from '../lib/definitions/functions';
import type { LocalClock } from './clock';
import { localFunctionArn, localFunctionName } from './environment';
import type { LocalFaults } from './faults';
import type { LocalUsage } from './usage';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export class FunctionTimeoutError extends Error {
  constructor(name: string, seconds: number) {
    super(`Task timed out after ${seconds}.00 seconds (${name})`);
    this.name = 'Sandbox.Timedout';
  }
}

export class LocalLambdas {
  private readonly handlers = new Map<string, { definition: FunctionDefinition; handler: Handler }>();

  constructor(
    private readonly rootDir: string,
    private readonly stage: string,
    private readonly clock: LocalClock,
    /** Fault injection (`/_local/faults`): consulted around every invocation and the SDK calls made in it. */
    private readonly faults?: LocalFaults,
    /** The usage meter (`npm run bench:cost`): each invocation's own duration (its start to its end), CPU time and AWS calls at the function's configured memory. */
    private readonly usage?: LocalUsage,
  ) {}

  /** Imports every handler. Call after the environment is set: handlers read it at import. */
  async load(onLoaded?: (definition: FunctionDefinition) => void): Promise<void> {
    for (const definition of functions) {
      const module = (await import(pathToFileURL(resolve(this.rootDir, definition.entry)).href)) as { handler?: Handler };
      if (typeof module.handler !== 'function') throw new Error(`${definition.entry} exports no handler`);
      this.handlers.set(definition.id, { definition, handler: module.handler });
      onLoaded?.(definition);
    }
  }

  /** Invokes by function id, local name or ARN (as the state machines name them). */
  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const id = this.resolveId(nameOrArn);
    const entry = this.handlers.get(id);
    if (!entry) throw Object.assign(new Error(`Function not found: ${nameOrArn}`), { name: 'Lambda.ResourceNotFoundException' });
    const release = this.clock.busy();
    const timeoutSeconds = entry.definition.timeoutSeconds ?? 10;
    const started = Date.now();
    const context = lambdaContext(entry.definition, this.stage, () => timeoutSeconds * 1000 - (Date.now() - started));
    let timer: NodeJS.Timeout | undefined;
    const faults = this.faults;
    const functionId = entry.definition.id;
    const run = async (payload: unknown): Promise<unknown> => {
      faults?.beforeInvoke(functionId);
      const result: unknown = await entry.handler(payload, context);
      faults?.afterInvoke(functionId, context.functionName, timeoutSeconds);
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    };
    try {
      // Events are copied as JSON, like a real invocation: a handler never shares objects with its caller.
      const payload: unknown = event === undefined ? {} : JSON.parse(JSON.stringify(event));
      const memoryMb = entry.definition.memoryMb ?? functionDefaults.memoryMb;
      const metered = () => (faults ? faults.runAs(functionId, () => run(payload)) : run(payload));
      return await Promise.race([
        this.usage ? this.usage.invoke(functionId, memoryMb, metered) : metered(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new FunctionTimeoutError(context.functionName, timeoutSeconds)), timeoutSeconds * 1000);
        }),
      ]);
    } finally {
      if (timer) clearTimeout(timer);
      release();
    }
  }

  private resolveId(nameOrArn: string): FunctionId | string {
    const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split(':')[6] ?? '') : nameOrArn;
    const byName = functions.find((f) => f.id === name || localFunctionName(f.id, this.stage) === name);
    return byName?.id ?? name;
  }
}

function lambdaContext(definition: FunctionDefinition, stage: string, remaining: () => number): Context {
  const functionName = localFunctionName(definition.id, stage);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(definition.id, stage),
    memoryLimitInMB: String(definition.memoryMb ?? functionDefaults.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/order-to-cash/${stage}/functions`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, remaining()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
