/**
 * State ApplyLines of StatementProcessing: applies the statement's credit lines from the progress
 * saved, chunk by chunk, and answers `done: false` before the function's time runs out (the state
 * machine calls again). SEPA collections on the statement are read with their collection files, and
 * its returned direct debits recorded at the end (`core/sepa/statement-direct-debits.ts`).
 */
import * as z from 'zod';
import { applyStatementLines, type StatementStepDeps } from '../../core/cash-application/statement-processing';
import type { RemittanceDeps } from '../../core/cash-application/remittances';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { requireEnv } from '../../shared/config';
import { statementDirectDebitDeps } from '../../shared/sepa-wiring';
import { clock, handedInFiles, invoiceReader, newId, openItemReader, postingWriter, recordedFactWorkflow, statementStore } from '../../shared/wiring';

const job = z.object({ statementId: z.string().min(1), objectKey: z.string().min(1), run: z.number().int().min(1) });

export function makeHandler(deps: RemittanceDeps & StatementStepDeps) {
  return stepHandler(
    (event) => parseWith(job, event),
    async (input, context) => {
      // Leave a fifth of the function's time (at most 30 s) to finish the chunk under way and answer.
      const remaining = () => context.getRemainingTimeInMillis();
      const reserveMs = Math.min(30_000, Math.floor(remaining() / 5));
      const { applied, ...result } = await applyStatementLines(deps, input, { timeLeftMs: remaining, reserveMs });
      countBusinessEvents({ LinesAppliedAutomatically: applied, PaymentsApplied: applied });
      return result;
    },
  );
}
export const handler = makeHandler({
  statements: statementStore(),
  postings: postingWriter(),
  openItems: openItemReader(),
  invoices: invoiceReader(),
  workflow: recordedFactWorkflow(),
  files: handedInFiles(),
  clock,
  newId,
  settings: { invoiceNumberPrefix: requireEnv('INVOICE_NUMBER_PREFIX') },
  directDebits: statementDirectDebitDeps(),
});
