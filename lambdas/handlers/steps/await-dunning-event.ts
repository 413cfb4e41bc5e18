/** Escalation step (.waitForTaskToken): keep the token on the invoice until its dunning history has a next entry. */
import * as z from 'zod';
import { awaitEscalationEvent, type EscalationDeps } from '../../core/dunning/escalation';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { dunningStore, escalations } from '../../shared/dunning-wiring';

const input = z.object({ invoiceId: z.string().min(1), taskToken: z.string().min(1), seen: z.number().int().min(0) });

export function makeHandler(deps: EscalationDeps) {
  return stepHandler((event) => parseWith(input, event), (command) => awaitEscalationEvent(deps, command));
}

export const handler = makeHandler({ store: dunningStore(), workflow: escalations() });
