/** State ReadStatement of StatementProcessing: reads the file, notes what it is, or rejects it. */
import * as z from 'zod';
import { readStatement } from '../../core/cash-application/statement-processing';
import type { StatementStore, HandedInFiles } from '../../core/ports';
import type { Clock } from '../../core/time/clock';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { clock, handedInFiles, statementReader } from '../../shared/wiring';

const statementJob = z.object({ statementId: z.string().min(1), objectKey: z.string().min(1), run: z.number().int().min(1) });

export function makeHandler(deps: { statements: StatementStore; files: HandedInFiles; clock: Clock }) {
  return stepHandler((event) => parseWith(statementJob, event), (job) => readStatement(deps, job));
}

export const handler = makeHandler({ statements: statementReader(), files: handedInFiles(), clock });
