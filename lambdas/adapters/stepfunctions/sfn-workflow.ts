/**
 * The workflow port on Step Functions: starts executions named from the business id (a retried
 * start of a running execution with the same input is not an error) and resumes waiting steps
 * by task token (a stale token, whose step ended already, is reported as `false`).
 */
import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { Workflow } from '../../core/ports';

let shared: SFNClient | undefined;

export function sfnClient(): SFNClient {
  shared ??= new SFNClient({});
  return shared;
}

function isStaleToken(error: unknown): boolean {
  return error instanceof TaskTimedOut || error instanceof InvalidToken || error instanceof TaskDoesNotExist;
}

const TRANSIENT = new Set(['ThrottlingException', 'ServiceUnavailable', 'InternalServerError', 'InternalFailure']);

/**
 * Sends a task answer, trying again (up to 3 times, jittered back-off) when Step Functions throttles
 * or is unavailable beyond the SDK's own retries: a resume is the last step of a call that already
 * recorded its fact, and it is safe to send twice (the second finds the token used: stale, false).
 */
export async function sendWithRetry<T>(send: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const name = (error as { name?: string } | undefined)?.name ?? '';
      if (!TRANSIENT.has(name) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
    }
  }
}

export class StepFunctionsWorkflow implements Workflow {
  constructor(
    private readonly sfn: SFNClient,
    private readonly orderLifecycleArn: string | undefined,
  ) {}

  async startOrderLifecycle(executionName: string, input: Record<string, unknown>) {
    if (!this.orderLifecycleArn) throw new Error('This function was not given the order lifecycle state machine');
    try {
      const result = await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.orderLifecycleArn, name: executionName, input: JSON.stringify(input) }));
      return { executionArn: result.executionArn ?? '', alreadyStarted: false };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) {
        const arn = this.orderLifecycleArn.replace(':stateMachine:', ':execution:') + `:${executionName}`;
        return { executionArn: arn, alreadyStarted: true };
      }
      throw error;
    }
  }

  async resume(taskToken: string, output: Record<string, unknown>): Promise<boolean> {
    try {
      await sendWithRetry(() => this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
      return true;
    } catch (error) {
      if (isStaleToken(error)) return false;
      throw error;
    }
  }

  async fail(taskToken: string, error: string, cause: string): Promise<boolean> {
    try {
      await sendWithRetry(() => this.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })));
      return true;
    } catch (failure) {
      if (isStaleToken(failure)) return false;
      throw failure;
    }
  }
}
