/** Starts the execution that processes a statement or an import, by a name fixed from its id. */
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ProcessingStarter } from '../../core/ports';

export class StepFunctionsProcessingStarter implements ProcessingStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /**
   * Step Functions answers a start of a running execution with the same name and input as a success
   * (the start is idempotent), and one of an execution that ended with ExecutionAlreadyExists.
   */
  async start(name: string, input: Record<string, unknown>): Promise<'started' | 'exists'> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
      return 'started';
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists || (error as { name?: string }).name === 'ExecutionAlreadyExists') return 'exists';
      throw error;
    }
  }
}
