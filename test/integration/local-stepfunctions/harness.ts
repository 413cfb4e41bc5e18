/**
 * Test harness for the local Step Functions service: starts it on a free port with its own temp
 * dataDir, in-process Lambdas that record their calls, and an SFN client pointed at it over HTTP.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, type DescribeExecutionCommandOutput, type ExecutionStatus } from '@aws-sdk/client-sfn';
import { LocalClock } from '../../../local-aws/clock';
import { LocalStepFunctions, type LocalStateMachineDefinition } from '../../../local-aws/stepfunctions/service';

export const REGION = 'eu-west-1';
export const ACCOUNT = '000000000000';

export type LambdaHandler = (payload: unknown) => unknown;

export interface LambdaCall {
  readonly functionName: string;
  readonly payload: unknown;
  /** Local-clock instant of the call. */
  readonly atMs: number;
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/asl', `${name}.asl.json`), 'utf8')) as Record<string, unknown>;
}

export interface HarnessOptions {
  /** Fixture names; each becomes a state machine of the same name. */
  readonly machines: readonly string[];
  /** More state machines, given as definitions. */
  readonly definitions?: readonly LocalStateMachineDefinition[];
  readonly lambdas: Record<string, LambdaHandler>;
  readonly dynamodb?: DynamoDBClient;
  readonly clock?: LocalClock;
  readonly dataDir?: string;
  /** Real-time scale of Retry pauses (the service's default 0.01). */
  readonly retryDelayScale?: number;
}

export class Harness {
  readonly calls: LambdaCall[] = [];
  service!: LocalStepFunctions;
  client!: SFNClient;
  url = '';
  readonly logs: string[] = [];

  private constructor(
    private readonly options: HarnessOptions,
    readonly clock: LocalClock,
    readonly dataDir: string,
  ) {}

  static async start(options: HarnessOptions): Promise<Harness> {
    const harness = new Harness(options, options.clock ?? new LocalClock(), options.dataDir ?? mkdtempSync(join(tmpdir(), 'local-sfn-')));
    await harness.boot();
    return harness;
  }

  private async boot(): Promise<void> {
    this.service = new LocalStepFunctions({
      port: 0,
      dataDir: this.dataDir,
      clock: this.clock,
      region: REGION,
      accountId: ACCOUNT,
      stateMachines: [...this.options.machines.map((name) => ({ name, definition: fixture(name) })), ...(this.options.definitions ?? [])],
      invokeLambda: async (functionNameOrArn, payload) => {
        const functionName = functionNameOrArn.split(':function:').pop()?.split(':')[0] ?? functionNameOrArn;
        this.calls.push({ functionName, payload, atMs: this.clock.nowMs() });
        const handler = this.options.lambdas[functionName];
        if (!handler) throw new Error(`No test Lambda ${functionName}`);
        return handler(payload);
      },
      dynamodb: this.options.dynamodb ?? new DynamoDBClient({ region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      log: (message) => this.logs.push(message),
      ...(this.options.retryDelayScale !== undefined ? { retryDelayScale: this.options.retryDelayScale } : {}),
    });
    const { url } = await this.service.start();
    this.url = url;
    this.client = new SFNClient({
      endpoint: url,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  }

  /** Stops the service and starts a new one on the same dataDir and clock (a process restart). */
  async restart(): Promise<void> {
    await this.service.stop();
    this.client.destroy();
    await this.boot();
  }

  arn(machine: string): string {
    return this.service.stateMachineArn(machine);
  }

  callsOf(functionName: string): LambdaCall[] {
    return this.calls.filter((call) => call.functionName === functionName);
  }

  async close(): Promise<void> {
    await this.service.stop();
    this.client.destroy();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Polls DescribeExecution until the execution has one of `statuses` (default: any final status). */
export async function waitForStatus(
  client: SFNClient,
  executionArn: string,
  statuses: readonly ExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
  timeoutMs = 10_000,
): Promise<DescribeExecutionCommandOutput> {
  let last: ExecutionStatus | undefined;
  return waitFor(
    `${executionArn} to reach ${statuses.join('|')} (last ${last ?? 'unknown'})`,
    async () => {
      const description = await client.send(new DescribeExecutionCommand({ executionArn }));
      last = description.status;
      return description.status && statuses.includes(description.status) ? description : undefined;
    },
    timeoutMs,
  );
}
