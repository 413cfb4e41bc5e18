/**
 * The escalation workflow port on Step Functions: starts an invoice's dunning escalation execution
 * by name (a second start is not an error: the execution exists already) and resumes its waiting
 * step by task token, or fails one with a named error (a settlement failing the order's settlement wait); a stale token is reported as `false`.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { EscalationWorkflow } from '../../core/dunning/ports';
import { failTask, resumeTask, startNamedExecution } from './sfn-workflow';

export class StepFunctionsEscalations implements EscalationWorkflow {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string | undefined,
  ) {}

  async startEscalation(executionName: string, input: Record<string, unknown>): Promise<{ alreadyStarted: boolean }> {
    if (!this.stateMachineArn) throw new Error('This function was not given the dunning escalation state machine');
    const { alreadyStarted } = await startNamedExecution(this.sfn, this.stateMachineArn, executionName, input);
    return { alreadyStarted };
  }

  resume(taskToken: string, output: Record<string, unknown>): Promise<boolean> {
    return resumeTask(this.sfn, taskToken, output);
  }

  fail(taskToken: string, error: string, cause: string): Promise<boolean> {
    return failTask(this.sfn, taskToken, error, cause);
  }
}
