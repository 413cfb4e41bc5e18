/**
 * Reads an order's execution from Step Functions: DescribeExecution (status and times),
 * DescribeStateMachineForExecution (the definition that execution runs) and GetExecutionHistory
 * (every event, page by page). Needs `states:DescribeExecution`, `states:DescribeStateMachineForExecution`
 * and `states:GetExecutionHistory` on the machine's executions.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ExecutionEvent, ExecutionReader, ExecutionRecord } from '../../core/finance-ports';

/** At most this many events are read (an order's execution has a few dozen). */
const MAX_EVENTS = 5_000;

function stateNameOf(event: HistoryEvent): string | undefined {
  return event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name;
}

function errorOf(event: HistoryEvent): string | undefined {
  return event.executionFailedEventDetails?.error ?? event.taskFailedEventDetails?.error ?? event.lambdaFunctionFailedEventDetails?.error ?? undefined;
}

export class StepFunctionsExecutionReader implements ExecutionReader {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string | undefined,
  ) {}

  async orderExecution(executionName: string): Promise<ExecutionRecord | undefined> {
    if (!this.stateMachineArn) throw new Error('This function was not given the order lifecycle state machine');
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    let description;
    try {
      description = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist || (error as { name?: string }).name === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
    const machine = await this.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    const events: ExecutionEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: false }));
      for (const event of page.events ?? []) {
        const stateName = stateNameOf(event);
        const error = errorOf(event);
        events.push({
          id: event.id ?? events.length + 1,
          type: String(event.type),
          timestamp: (event.timestamp ?? new Date(0)).toISOString(),
          ...(stateName ? { stateName } : {}),
          ...(error ? { error } : {}),
        });
      }
      nextToken = page.nextToken;
    } while (nextToken && events.length < MAX_EVENTS);
    return {
      executionArn,
      name: description.name ?? executionName,
      status: String(description.status),
      startDate: (description.startDate ?? new Date(0)).toISOString(),
      stopDate: description.stopDate ? description.stopDate.toISOString() : null,
      definition: JSON.parse(machine.definition ?? '{}') as unknown,
      events,
    };
  }
}
