/** Invoice settlement step EndDunningEscalation: a settled invoice ends its dunning escalation at once (`Settled`). */
import * as z from 'zod';
import { settleEscalation } from '../../core/dunning/actions';
import type { DunningDeps } from '../../core/dunning/run-dunning';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { dunningStore, escalations } from '../../shared/dunning-wiring';
import { clock, postingWriter } from '../../shared/wiring';

const input = z.object({ invoiceId: z.string().min(1) });

export function makeHandler(deps: Pick<DunningDeps, 'store' | 'postings' | 'workflow' | 'clock'>) {
  return stepHandler((event) => parseWith(input, event), (command) => settleEscalation(deps, command.invoiceId));
}

export const handler = makeHandler({ store: dunningStore(), postings: postingWriter(), workflow: escalations(), clock });
