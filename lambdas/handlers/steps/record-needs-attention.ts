/**
 * State NeedsAttention (.waitForTaskToken) of every state machine: a step failed after its retries;
 * the order or invoice goes on finance's attention worklist with the step, error and cause, and the
 * token waits there until finance retries it.
 */
import * as z from 'zod';
import { recordNeedsAttention, type AttentionDeps } from '../../core/attention/attention';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { logger } from '../../shared/observability';
import { countBusinessEvents } from '../../shared/metrics';
import { attentionStore } from '../../shared/attention-wiring';
import { clock } from '../../shared/wiring';

const input = z.object({
  machine: z.enum(['OrderLifecycle', 'InvoiceSettlement', 'DunningEscalation', 'StatementProcessing', 'InvoiceImport']),
  orderId: z.string().min(1).optional(),
  invoiceId: z.string().min(1).optional(),
  statementId: z.string().min(1).optional(),
  importId: z.string().min(1).optional(),
  executionArn: z.string().min(1),
  state: z.string().min(1),
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).nullable().optional(),
  taskToken: z.string().min(1),
});

export function makeHandler(deps: AttentionDeps) {
  return stepHandler(
    (event) => parseWith(input, event),
    async (command) => {
      const result = await recordNeedsAttention(deps, command);
      // Seen: an error line with the step and error (never the cause's data), and a metric with an alarm.
      logger.error('A step needs finance\'s attention', { attentionId: result.attentionId, state: command.state, error: command.failure?.Error, executionArn: command.executionArn });
      countBusinessEvents({ StepsNeedingAttention: 1 });
      return result;
    },
  );
}

export const handler = makeHandler({ attention: attentionStore(), clock });
