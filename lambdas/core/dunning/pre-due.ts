/**
 * Reminders before the due date ("your invoice falls due in 3 days"): the pre-due levels of a
 * policy (negative days, level 0, the `due-soon` letter, no fee). Pure: the daily run
 * (`run-dunning.ts`) finds the candidates, these rules decide, the run sends them in the
 * customer's one letter of the day and records each on the invoice's dunning history.
 *
 * What the product promises:
 * - sent only while nothing is paid on the invoice, it is not blocked (dispute, promise, manual
 *   block) and it is not collected by direct debit (in a pending SEPA collection, or an EUR
 *   invoice of a customer with an active mandate on the due date, which the collection run takes);
 * - at most once per invoice and pre-due level: an item that missed a level (no run that day)
 *   gets only the latest level due, and never one it had or one before a level it had;
 * - not a dunning level: the item's level, its reminder spacing, fees and interest do not move,
 *   and its escalation is not started (the history entry names no escalation state).
 */
import type { Customer } from '../customers/customer';
import type { Invoice } from '../invoices/invoice';
import { addCalendarDays, calendarDaysBetween } from '../time/clock';
import type { DunningLevelRule, DunningPolicy } from './policy';
import type { SkipReason } from './run';

export type PreDueDecision =
  | { readonly kind: 'remind'; readonly invoiceId: string; readonly rule: DunningLevelRule; readonly daysToDue: number }
  | { readonly kind: 'skip'; readonly invoiceId: string; readonly reason: SkipReason; readonly detail: string; readonly rule: DunningLevelRule }
  | { readonly kind: 'nothing' };

/** How many days ahead of their due date the run must look for items: the earliest pre-due level of any policy (0: none). */
export function preDueWindowDays(policies: Iterable<DunningPolicy>): number {
  let days = 0;
  for (const p of policies) for (const l of p.preDueLevels ?? []) days = Math.max(days, -l.daysPastDue);
  return days;
}

/** The pre-due levels the invoice was reminded at, by their days (-7, -3, ...). */
export function preDueSent(invoice: Pick<Invoice, 'dunning'>): number[] {
  return invoice.dunning.history.filter((h) => h.event === 'due-soon-reminder' && typeof h.preDueDays === 'number').map((h) => h.preDueDays!);
}

/**
 * What the run of `asOf` does about the invoice before its due date. `mandateActiveOnDueDate`:
 * the customer has a SEPA mandate active on the due date (its EUR invoices are collected).
 */
export function decidePreDue(invoice: Invoice, customer: Customer | undefined, policy: DunningPolicy, asOf: string, mandateActiveOnDueDate: boolean): PreDueDecision {
  const nothing = { kind: 'nothing' } as const;
  if (invoice.chargesOf || asOf >= invoice.dueDate) return nothing;
  const rule = [...(policy.preDueLevels ?? [])].reverse().find((l) => addCalendarDays(invoice.dueDate, l.daysPastDue) <= asOf);
  if (!rule) return nothing;
  // At most once per level, and never a level earlier than one sent.
  if (preDueSent(invoice).some((days) => days >= rule.daysPastDue)) return nothing;
  if (!['OPEN', 'PARTIALLY_PAID', 'OVERDUE', 'DISPUTED'].includes(invoice.status) || invoice.balanceMinor <= 0) return nothing;
  const skip = (reason: SkipReason, detail: string): PreDueDecision => ({ kind: 'skip', invoiceId: invoice.invoiceId, reason, detail, rule });
  if (!customer) return skip('customer-unknown', `customer ${invoice.customerId} does not exist`);
  if (invoice.paidMinor > 0) return skip('partly-paid', `partly paid: no reminder before the due date (${rule.name})`);
  const block = invoice.dunning.block ?? null;
  if (invoice.status === 'DISPUTED' || block?.kind === 'dispute') return skip('disputed', 'disputed: no reminder before the due date');
  if (block?.kind === 'promise') return skip('promised', `promised by ${block.until ?? ''}: no reminder before the due date`);
  if (block?.kind === 'manual' && (block.until === null || block.until >= asOf)) return skip('blocked', `blocked${block.until ? ` until ${block.until}` : ''}: ${block.reason}`);
  if (invoice.directDebit?.status === 'pending') return skip('direct-debit-pending', `in SEPA collection ${invoice.directDebit.fileId} for ${invoice.directDebit.collectionDate}`);
  if (mandateActiveOnDueDate && invoice.currency === 'EUR' && invoice.directDebit?.status !== 'returned') {
    return skip('direct-debit-mandate', 'collected by SEPA direct debit (an active mandate): no reminder before the due date');
  }
  const minimum = policy.minimumAmountsMinor[invoice.currency] ?? 0;
  if (invoice.balanceMinor < minimum) return skip('below-minimum', `balance ${invoice.balanceMinor} minor units is below the minimum ${minimum}`);
  return { kind: 'remind', invoiceId: invoice.invoiceId, rule, daysToDue: calendarDaysBetween(asOf, invoice.dueDate) };
}
