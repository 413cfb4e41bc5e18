/** Starts an execution of any state machine by name (continue-as-new); a second start of the same name is not an error. */
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStarter } from '../../core/workflow/renewal';

export class StepFunctionsExecutionStarter implements ExecutionStarter {
  constructor(private readonly sfn: SFNClient) {}

  async start(stateMachineArn: string, name: string, input: Record<string, unknown>) {
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      const result = await this.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn: result.executionArn ?? executionArn, alreadyStarted: false };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists || (error as { name?: string }).name === 'ExecutionAlreadyExists') return { executionArn, alreadyStarted: true };
      throw error;
    }
  }
}
