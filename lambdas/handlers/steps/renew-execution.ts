/**
 * State ContinueInNewExecutionIfOld of every state machine: an execution older than 300 days starts
 * its continuation (same machine, same state, resuming at the same waiting step) and ends; a younger
 * one goes on waiting. Standard executions last a year at most.
 */
import * as z from 'zod';
import { renewExecutionIfOld, type ExecutionStarter } from '../../core/workflow/renewal';
import type { Clock } from '../../core/time/clock';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { logger } from '../../shared/observability';
import { executionStarter } from '../../shared/attention-wiring';
import { clock } from '../../shared/wiring';

const input = z.object({
  stateMachineArn: z.string().min(1),
  executionArn: z.string().min(1),
  executionName: z.string().min(1),
  startTime: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});

export function makeHandler(deps: { clock: Clock; executions: ExecutionStarter }) {
  return stepHandler(
    (event) => parseWith(input, event),
    async (command) => {
      const result = await renewExecutionIfOld(deps, command);
      if (result.continued) logger.info('Execution continued in a new one', { from: command.executionArn, to: result.executionArn, ageDays: result.ageDays });
      return result;
    },
  );
}

export const handler = makeHandler({ clock, executions: executionStarter() });
