/**
 * The escalation workflow port on Step Functions: starts an invoice's dunning escalation execution
 * by name (a second start is not an error: the execution exists already) and resumes its waiting
 * step by task token (a stale token is reported as `false`).
 */
import { ExecutionAlreadyExists, InvalidToken, SendTaskSuccessCommand, StartExecutionCommand, TaskDoesNotExist, TaskTimedOut, type SFNClient } from '@aws-sdk/client-sfn';
import type { EscalationWorkflow } from '../../core/dunning/ports';
import { sendWithRetry } from './sfn-workflow';

export class StepFunctionsEscalations implements EscalationWorkflow {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string | undefined,
  ) {}

  async startEscalation(executionName: string, input: Record<string, unknown>): Promise<{ alreadyStarted: boolean }> {
    if (!this.stateMachineArn) throw new Error('This function was not given the dunning escalation state machine');
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: executionName, input: JSON.stringify(input) }));
      return { alreadyStarted: false };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists || (error as { name?: string }).name === 'ExecutionAlreadyExists') return { alreadyStarted: true };
      throw error;
    }
  }

  async resume(taskToken: string, output: Record<string, unknown>): Promise<boolean> {
    try {
      await sendWithRetry(() => this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
      return true;
    } catch (error) {
      if (error instanceof TaskTimedOut || error instanceof InvalidToken || error instanceof TaskDoesNotExist) return false;
      throw error;
    }
  }
}
