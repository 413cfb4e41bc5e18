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
import { retry } from '../../core/kernel/retry';

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
export function sendWithRetry<T>(send: () => Promise<T>, attempts = 3): Promise<T> {
  return retry(send, { attempts, baseDelayMs: 200, retryOn: (error) => TRANSIENT.has((error as { name?: string } | undefined)?.name ?? '') });
}

/** Resumes a waiting step with `output`; false when the token is stale (its step ended already). */
export async function resumeTask(sfn: SFNClient, taskToken: string, output: Record<string, unknown>): Promise<boolean> {
  try {
    await sendWithRetry(() => sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
    return true;
  } catch (error) {
    if (isStaleToken(error)) return false;
    throw error;
  }
}

/** Starts an execution by name; a second start of the same name finds it (`alreadyStarted`). */
export async function startNamedExecution(sfn: SFNClient, stateMachineArn: string, name: string, input: Record<string, unknown>): Promise<{ executionArn: string; alreadyStarted: boolean }> {
  try {
    const result = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { executionArn: result.executionArn ?? '', alreadyStarted: false };
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists || (error as { name?: string }).name === 'ExecutionAlreadyExists') {
      return { executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, alreadyStarted: true };
    }
    throw error;
  }
}

export class StepFunctionsWorkflow implements Workflow {
  constructor(
    private readonly sfn: SFNClient,
    private readonly orderLifecycleArn: string | undefined,
  ) {}

  async startOrderLifecycle(executionName: string, input: Record<string, unknown>) {
    if (!this.orderLifecycleArn) throw new Error('This function was not given the order lifecycle state machine');
    return startNamedExecution(this.sfn, this.orderLifecycleArn, executionName, input);
  }

  resume(taskToken: string, output: Record<string, unknown>): Promise<boolean> {
    return resumeTask(this.sfn, taskToken, output);
  }

  fail(taskToken: string, error: string, cause: string): Promise<boolean> {
    return failTask(this.sfn, taskToken, error, cause);
  }
}

/** Fails a waiting task with a named error; a stale token (the step ended already) is reported as `false`. */
export async function failTask(sfn: SFNClient, taskToken: string, error: string, cause: string): Promise<boolean> {
  try {
    await sendWithRetry(() => sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })));
    return true;
  } catch (failure) {
    if (isStaleToken(failure)) return false;
    throw failure;
  }
}
