/**
 * One dunning escalation execution per overdue invoice (`statemachines/dunning-escalation.asl.json`),
 * named from the invoice. The invoice's dunning history is the event log the execution follows:
 * each history entry with an escalation `state` moves the execution to that state, in order, so
 * the execution's history reads as the escalation.
 *
 * Delivery is exactly once and never lost: the waiting step stores its task token with the number
 * of entries it has seen; whoever removes that token (conditionally) delivers the next entry. A
 * writer of a new entry tries after writing; the waiting step tries after storing its token, in
 * case the entry was written while no token was stored.
 */
import type { Invoice } from '../invoices/invoice';
import type { DunningHistoryEntry } from './state';
import type { DunningStore, EscalationWorkflow } from './ports';

/** The execution's name: `dunning-<invoiceId>` (Step Functions allows 80 characters of [A-Za-z0-9-_]). */
export function escalationNameFor(invoiceId: string): string {
  return `dunning-${invoiceId.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 80);
}

/** The escalation state a reminder at `level` leads to. */
export function reminderState(level: number, template: string, action: 'letter' | 'collector'): string {
  if (action === 'collector') return 'HandedToCollector';
  if (template === 'final-notice') return 'FinalNoticeSent';
  if (level === 1) return 'ReminderLevel1Sent';
  if (level === 2) return 'ReminderLevel2Sent';
  return 'FurtherReminderSent';
}

/** The states that end the execution. */
export const FINAL_STATES: readonly string[] = ['Settled', 'WrittenOff'];

/** What the execution receives for the entry after the first `seen` (null when there is none). */
export function nextEvent(invoice: Pick<Invoice, 'dunning'>, seen: number): { seen: number; state: string; event: string; level: number; note: string; at: string } | null {
  const history = invoice.dunning.history;
  for (let i = seen; i < history.length; i++) {
    const entry: DunningHistoryEntry = history[i]!;
    if (entry.state) return { seen: i + 1, state: entry.state, event: entry.event ?? '', level: entry.level, note: entry.note ?? '', at: entry.at };
  }
  return null;
}

export interface EscalationDeps {
  readonly store: Pick<DunningStore, 'invoices' | 'escalationWait' | 'setEscalationWait' | 'claimEscalationWait'>;
  readonly workflow: EscalationWorkflow;
}

async function readInvoice(deps: EscalationDeps, invoiceId: string): Promise<Invoice | undefined> {
  return (await deps.store.invoices([invoiceId])).get(invoiceId);
}

/** Delivers the next undelivered history entry to the waiting execution, if it waits and there is one. */
export async function deliverPending(deps: EscalationDeps, invoiceId: string): Promise<boolean> {
  const wait = await deps.store.escalationWait(invoiceId);
  if (!wait) return false;
  const invoice = await readInvoice(deps, invoiceId);
  const event = invoice ? nextEvent(invoice, wait.seen) : null;
  if (!event) return false;
  if (!(await deps.store.claimEscalationWait(invoiceId, wait.taskToken))) return false;
  return deps.workflow.resume(wait.taskToken, event);
}

/**
 * The escalation's waiting step (`.waitForTaskToken`): keeps the token on the invoice, then
 * delivers at once if an entry is already waiting.
 */
export async function awaitEscalationEvent(deps: EscalationDeps, input: { invoiceId: string; taskToken: string; seen: number }) {
  await deps.store.setEscalationWait(input.invoiceId, input.taskToken, input.seen);
  const invoice = await readInvoice(deps, input.invoiceId);
  const event = invoice ? nextEvent(invoice, input.seen) : null;
  if (event && (await deps.store.claimEscalationWait(input.invoiceId, input.taskToken))) {
    await deps.workflow.resume(input.taskToken, event);
    return { waiting: false };
  }
  return { waiting: true };
}
