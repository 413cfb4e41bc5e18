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
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return true;
    } catch (error) {
      if (isStaleToken(error)) return false;
      throw error;
    }
  }

  async fail(taskToken: string, error: string, cause: string): Promise<boolean> {
    try {
      await this.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
      return true;
    } catch (failure) {
      if (isStaleToken(failure)) return false;
      throw failure;
    }
  }
}
