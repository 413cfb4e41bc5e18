/**
 * State ApplyLinesOfSlice of StatementProcessing (one branch of the ApplyLines Map): applies the
 * credit lines of its slice chunk by chunk, skipping the chunks counted before, and answers
 * `done: false` before the function's time runs out (the branch calls again). SEPA collections on
 * the statement are read with their collection files, and its returned direct debits recorded when
 * the last line is counted (`core/sepa/statement-direct-debits.ts`).
 */
import * as z from 'zod';
import { applyStatementLines, type StatementStepDeps } from '../../core/cash-application/statement-processing';
import type { RemittanceDeps } from '../../core/cash-application/remittances';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { requireEnv } from '../../shared/config';
import { statementDirectDebitDeps } from '../../shared/sepa-wiring';
import { adviceStore, clock, handedInFiles, invoiceReader, newId, postingWriter, recordedFactWorkflow, statementOpenItemReader, statementStore } from '../../shared/wiring';

/** The statement's job, and the slice of its lines this branch of the Map applies (absent from executions begun before slices). */
const job = z
  .object({ statementId: z.string().min(1), objectKey: z.string().min(1), run: z.number().int().min(1), from: z.number().int().min(0).optional(), to: z.number().int().min(0).optional() })
  .refine((j) => (j.from === undefined) === (j.to === undefined) && (j.from === undefined || j.from <= j.to!), { message: 'from and to come together, from at most to', path: ['from'] });

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
  advices: adviceStore(),
  postings: postingWriter(),
  openItems: statementOpenItemReader(),
  invoices: invoiceReader(),
  workflow: recordedFactWorkflow(),
  files: handedInFiles(),
  clock,
  newId,
  settings: { invoiceNumberPrefix: requireEnv('INVOICE_NUMBER_PREFIX') },
  directDebits: statementDirectDebitDeps(),
});
