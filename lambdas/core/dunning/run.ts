/**
 * The dunning run's rules, pure: given the items due for action, their customers, the policies
 * and the day of the run, decide per item (skip with the reason, or the next level), and group
 * the letters by customer. Nothing here reads or writes; `run-dunning.ts` carries the decisions out.
 *
 * The rules the product promises:
 * - never a reminder about an item that is paid, blocked (dispute, promise, manual block until a
 *   date), below the policy's minimum amount, or already reminded at the level it would get;
 * - an item moves up at most one level per run, never sooner than the level's spacing after its
 *   previous reminder, except that a broken promise moves it up one level at once;
 * - at most one letter per customer per run, listing every overdue item of theirs at its level.
 */
import type { Customer } from '../customers/customer';
import type { Invoice } from '../invoices/invoice';
import { chargesIdentity } from '../invoices/transitions';

export { chargesIdentity };
import { addCalendarDays, calendarDateIn, calendarDaysBetween } from '../time/clock';
import { compensationFor, interestToDate } from './charges';
import type { DunningLevelRule, DunningPolicy } from './policy';
import { MAX_RESENDS, type PromiseToPay } from './state';

export type SkipReason =
  | 'paid'
  | 'written-off'
  | 'credited'
  | 'disputed'
  | 'promised'
  | 'blocked'
  | 'within-grace'
  | 'below-minimum'
  | 'already-reminded'
  | 'too-soon'
  | 'with-collector'
  | 'customer-unknown'
  | 'direct-debit-pending'
  /** Before the due date only: partly paid, or collected by direct debit (an active mandate). */
  | 'partly-paid'
  | 'direct-debit-mandate';

/** What the run does with one item. */
export type ItemDecision =
  | {
      readonly kind: 'escalate';
      readonly invoiceId: string;
      readonly fromLevel: number;
      readonly toLevel: number;
      readonly rule: DunningLevelRule;
      readonly daysPastDue: number;
      /** The promise this run finds broken (the item goes up one level at once because of it). */
      readonly brokenPromise: PromiseToPay | null;
      /** The promise this run finds kept (paid as promised, a balance still left). */
      readonly keptPromise: PromiseToPay | null;
      /** Charges this level posts: the level's fee, the fixed compensation (once per invoice), interest accrued since the last posting. */
      readonly feeMinor: number;
      readonly compensationMinor: number;
      readonly interestMinor: number;
      /** Interest from the due date to the run day (posted before plus `interestMinor`). */
      readonly interestToDateMinor: number;
      readonly nextActionDate: string | null;
      readonly policyId: string;
      readonly note: string | null;
    }
  | {
      readonly kind: 'skip';
      readonly invoiceId: string;
      readonly reason: SkipReason;
      readonly detail: string;
      /** When the item should be looked at again (null: not until something else happens). */
      readonly nextActionDate: string | null;
      /** The escalation ends with this (the item was paid, written off or credited). */
      readonly end: 'settled' | 'written-off' | null;
      /** A block ended (a manual block ran out, a promise was kept with a balance left). */
      readonly unblocked: 'block-ended' | 'promise-kept' | null;
      readonly keptPromise: PromiseToPay | null;
    };

export interface ItemToDecide {
  readonly invoice: Invoice;
  /** The item carrying the invoice's fees and interest, if any was posted. */
  readonly charges: Invoice | null;
}

/** Days past due on `asOf` (negative before the due date). */
export function daysPastDue(invoice: Pick<Invoice, 'dueDate'>, asOf: string): number {
  return calendarDaysBetween(invoice.dueDate, asOf);
}

/** What the customer paid on the invoice since the promise was recorded, up to and including its date. */
export function paidTowardsPromise(invoice: Pick<Invoice, 'allocations'>, promise: PromiseToPay, businessTimeZone: string): number {
  return invoice.allocations
    .filter((a) => a.at >= promise.recordedAt && calendarDateIn(new Date(a.at), businessTimeZone) <= promise.promisedDate)
    .reduce((sum, a) => sum + a.amountMinor, 0);
}

/** How far out a settled-looking item is looked at again while its escalation is open (collector, below minimum). */
export const RECHECK_DAYS = 7;

/**
 * Decides what the run of `asOf` does with one item. `escalationOpen` is whether the item has a
 * running escalation (then a paid item ends it).
 */
export function decideItem(item: ItemToDecide, customer: Customer | undefined, policy: DunningPolicy, policyNote: string | null, asOf: string, businessTimeZone: string): ItemDecision {
  const invoice = item.invoice;
  const d = invoice.dunning;
  const escalationOpen = d.escalation?.state === 'active';
  const skip = (reason: SkipReason, detail: string, nextActionDate: string | null, extra: Partial<Extract<ItemDecision, { kind: 'skip' }>> = {}): ItemDecision => ({
    kind: 'skip',
    invoiceId: invoice.invoiceId,
    reason,
    detail,
    nextActionDate,
    end: null,
    unblocked: null,
    keptPromise: null,
    ...extra,
  });
  const charges = item.charges?.balanceMinor ?? 0;

  if (!customer) return skip('customer-unknown', `customer ${invoice.customerId} does not exist`, null);
  if (invoice.status === 'WRITTEN_OFF') return skip('written-off', 'the invoice was written off', null, { end: escalationOpen ? 'written-off' : null });
  if (invoice.balanceMinor <= 0 && charges <= 0) {
    const credited = invoice.status === 'CREDITED';
    return skip(credited ? 'credited' : 'paid', credited ? 'credited in full' : 'paid in full', null, { end: escalationOpen ? 'settled' : null });
  }

  let brokenPromise: PromiseToPay | null = null;
  let keptPromise: PromiseToPay | null = null;
  let unblocked: 'block-ended' | 'promise-kept' | null = null;
  const collection = invoice.directDebit;
  // In a SEPA collection file that the bank has neither paid nor returned yet: never dunned meanwhile.
  if (collection?.status === 'pending' && invoice.balanceMinor > 0) {
    return skip('direct-debit-pending', `in SEPA collection ${collection.fileId} for ${collection.collectionDate}`, laterOf(addCalendarDays(asOf, 1), addCalendarDays(collection.collectionDate, 1)));
  }
  const block = d.block ?? null;
  if (block?.kind === 'dispute') return skip('disputed', `disputed: ${block.reason}`, null);
  if (block?.kind === 'manual') {
    if (block.until !== null && block.until >= asOf) return skip('blocked', `blocked until ${block.until}: ${block.reason}`, addCalendarDays(block.until, 1));
    unblocked = 'block-ended';
  }
  if (block?.kind === 'promise') {
    const promise = (d.promises ?? []).find((p) => p.promiseId === block.ref) ?? null;
    if (promise && promise.promisedDate >= asOf) {
      return skip('promised', `promised ${amountText(promise.amountMinor)} by ${promise.promisedDate}`, addCalendarDays(promise.promisedDate, 1));
    }
    if (promise) {
      const paid = paidTowardsPromise(invoice, promise, businessTimeZone);
      if (paid >= promise.amountMinor) {
        keptPromise = promise;
        unblocked = 'promise-kept';
      } else brokenPromise = promise;
    } else unblocked = 'block-ended';
  }

  const dpd = daysPastDue(invoice, asOf);
  const levels = policy.levels;
  const current = d.level;
  const nextRule = levels[current];
  const reminderSpacing = (rule: DunningLevelRule) => (d.lastReminderDate ? addCalendarDays(d.lastReminderDate, rule.minDaysSincePrevious) : asOf);
  const resumeNote = { unblocked, keptPromise };

  const minimum = policy.minimumAmountsMinor[invoice.currency] ?? 0;
  const outstanding = invoice.balanceMinor + charges;
  if (outstanding < minimum) {
    return skip('below-minimum', `outstanding ${amountText(outstanding)} is below the minimum ${amountText(minimum)} ${invoice.currency}`, escalationOpen ? addCalendarDays(asOf, RECHECK_DAYS) : null, resumeNote);
  }
  if (dpd < policy.graceDays && !brokenPromise) {
    return skip('within-grace', `${dpd} day(s) past due, grace ${policy.graceDays} days`, laterOf(addCalendarDays(invoice.dueDate, policy.graceDays), nextRule ? addCalendarDays(invoice.dueDate, nextRule.daysPastDue) : null), resumeNote);
  }
  const undelivered = d.undelivered ?? null;
  const resendRule = levels[current - 1];
  if (undelivered && !undelivered.resent && undelivered.bounces <= MAX_RESENDS && current >= 1 && resendRule?.action === 'letter' && !brokenPromise) {
    // The last reminder bounced: send it again at the same level, without a new fee.
    const interestToDateMinor = policy.interest ? interestToDate(invoice, policy.interest, asOf, businessTimeZone).interestMinor : 0;
    return {
      kind: 'escalate',
      invoiceId: invoice.invoiceId,
      fromLevel: current,
      toLevel: current,
      rule: resendRule,
      daysPastDue: dpd,
      brokenPromise: null,
      keptPromise,
      feeMinor: 0,
      compensationMinor: 0,
      interestMinor: Math.max(0, interestToDateMinor - (d.interestPostedMinor ?? 0)),
      interestToDateMinor: Math.max(interestToDateMinor, d.interestPostedMinor ?? 0),
      // The next level stays where it was: the resent letter does not restart the spacing.
      nextActionDate: nextRule
        ? laterOf(laterOf(addCalendarDays(invoice.dueDate, nextRule.daysPastDue), reminderSpacing(nextRule)), addCalendarDays(asOf, 1))
        : addCalendarDays(asOf, RECHECK_DAYS),
      policyId: policy.policyId,
      note: `sent again: the letter ${undelivered.messageId} bounced (${undelivered.bounceType})`,
    };
  }
  if (!nextRule) {
    return skip('with-collector', `at level ${current}, the last level of policy ${policy.policyId}`, addCalendarDays(asOf, RECHECK_DAYS), resumeNote);
  }
  if (!brokenPromise) {
    if (dpd < nextRule.daysPastDue) {
      const from = addCalendarDays(invoice.dueDate, nextRule.daysPastDue);
      return current === 0
        ? skip('within-grace', `level 1 from ${from}`, from, resumeNote)
        : skip('already-reminded', `reminded at level ${current}; level ${nextRule.level} from ${from}`, from, resumeNote);
    }
    const spacedFrom = reminderSpacing(nextRule);
    if (spacedFrom > asOf) {
      return skip('too-soon', `previous reminder on ${d.lastReminderDate}; level ${nextRule.level} not before ${spacedFrom}`, spacedFrom, resumeNote);
    }
  }

  // Up one level.
  const rule = nextRule;
  const feeMinor = rule.feesMinor[invoice.currency] ?? 0;
  const compensationMinor = (d.compensationPostedMinor ?? 0) > 0 ? 0 : compensationFor(policy.compensation, invoice.currency, invoice.balanceMinor);
  const interestToDateMinor = policy.interest ? interestToDate(invoice, policy.interest, asOf, businessTimeZone).interestMinor : 0;
  const interestMinor = Math.max(0, interestToDateMinor - (d.interestPostedMinor ?? 0));
  const following = levels[rule.level];
  const nextActionDate = following
    ? laterOf(addCalendarDays(invoice.dueDate, following.daysPastDue), addCalendarDays(asOf, Math.max(1, following.minDaysSincePrevious)))
    : addCalendarDays(asOf, RECHECK_DAYS);
  const notes = [policyNote, brokenPromise ? `promise of ${amountText(brokenPromise.amountMinor)} by ${brokenPromise.promisedDate} broken` : null].filter((n): n is string => !!n);
  return {
    kind: 'escalate',
    invoiceId: invoice.invoiceId,
    fromLevel: current,
    toLevel: rule.level,
    rule,
    daysPastDue: dpd,
    brokenPromise,
    keptPromise,
    feeMinor,
    compensationMinor,
    interestMinor,
    interestToDateMinor: Math.max(interestToDateMinor, d.interestPostedMinor ?? 0),
    nextActionDate,
    policyId: policy.policyId,
    note: notes.length ? notes.join('; ') : null,
  };
}

function laterOf(a: string, b: string | null): string {
  return b !== null && b > a ? b : a;
}

/** Minor units as plain digits with no currency (for notes; letters format properly). */
function amountText(minor: number): string {
  return `${minor} minor units`;
}

/** One line of a customer's letter. */
export interface LetterItem {
  readonly invoiceId: string;
  readonly number: string;
  readonly rfReference: string;
  readonly currency: string;
  readonly dueDate: string;
  readonly daysPastDue: number;
  readonly level: number;
  /** True when this run raised the item to `level`; false for an item listed at the level it had. */
  readonly raised: boolean;
  readonly balanceMinor: number;
  /** Fees and compensation to date (posted, including this run's), still open. */
  readonly feesMinor: number;
  /** Interest to date. */
  readonly interestMinor: number;
  /** What is still open of the fees and interest (the charges item's balance after this run's postings). */
  readonly chargesOpenMinor: number;
  /** The RF reference to quote for fees and interest (the charges item), when there are any. */
  readonly chargesRfReference: string | null;
  readonly chargesNumber: string | null;
}

export interface LetterPlan {
  readonly customerId: string;
  /** The highest level raised by this run: it picks the letter. */
  readonly level: number;
  readonly template: DunningLevelRule['template'];
  readonly items: readonly LetterItem[];
}

/**
 * The one letter of a customer in this run: every item the run raised to a letter level, and the
 * customer's other overdue items at the level they have (reminded before, not blocked, not with a
 * collector, not under the minimum), oldest due first. No letter when the run raised nothing to a
 * letter level for the customer.
 */
export function planLetter(
  customerId: string,
  raised: readonly { decision: Extract<ItemDecision, { kind: 'escalate' }>; invoice: Invoice; charges: Invoice | null }[],
  others: readonly { invoice: Invoice; charges: Invoice | null; policy: DunningPolicy }[],
  asOf: string,
): LetterPlan | null {
  const letters = raised.filter((r) => r.decision.rule.action === 'letter');
  if (letters.length === 0) return null;
  const top = letters.reduce((a, b) => (b.decision.toLevel > a.decision.toLevel ? b : a));
  const raisedIds = new Set(raised.map((r) => r.invoice.invoiceId));
  const items: LetterItem[] = letters.map(({ decision, invoice, charges }) => ({
    invoiceId: invoice.invoiceId,
    number: invoice.number,
    rfReference: invoice.rfReference,
    currency: invoice.currency,
    dueDate: invoice.dueDate,
    daysPastDue: decision.daysPastDue,
    level: decision.toLevel,
    raised: true,
    balanceMinor: invoice.balanceMinor,
    feesMinor: postedFees(invoice) + decision.feeMinor + decision.compensationMinor,
    chargesOpenMinor: (charges?.balanceMinor ?? 0) + decision.feeMinor + decision.compensationMinor + decision.interestMinor,
    interestMinor: decision.interestToDateMinor,
    chargesRfReference: charges?.rfReference ?? (decision.feeMinor + decision.compensationMinor + decision.interestMinor > 0 ? chargesIdentity(invoice).rfReference : null),
    chargesNumber: charges?.number ?? (decision.feeMinor + decision.compensationMinor + decision.interestMinor > 0 ? chargesIdentity(invoice).number : null),
  }));
  for (const { invoice, charges, policy } of others) {
    if (raisedIds.has(invoice.invoiceId) || invoice.chargesOf) continue;
    const d = invoice.dunning;
    const rule = policy.levels[d.level - 1];
    if (d.level < 1 || !rule || rule.action !== 'letter') continue;
    if (d.block && (d.block.kind === 'dispute' || d.block.until === null || d.block.until >= asOf)) continue;
    if (invoice.status === 'WRITTEN_OFF' || invoice.status === 'DISPUTED') continue;
    const outstanding = invoice.balanceMinor + (charges?.balanceMinor ?? 0);
    if (outstanding <= 0 || outstanding < (policy.minimumAmountsMinor[invoice.currency] ?? 0)) continue;
    if (daysPastDue(invoice, asOf) <= 0) continue;
    items.push({
      invoiceId: invoice.invoiceId,
      number: invoice.number,
      rfReference: invoice.rfReference,
      currency: invoice.currency,
      dueDate: invoice.dueDate,
      daysPastDue: daysPastDue(invoice, asOf),
      level: d.level,
      raised: false,
      balanceMinor: invoice.balanceMinor,
      feesMinor: postedFees(invoice),
      chargesOpenMinor: charges?.balanceMinor ?? 0,
      interestMinor: d.interestPostedMinor ?? 0,
      chargesRfReference: charges && charges.balanceMinor > 0 ? charges.rfReference : null,
      chargesNumber: charges && charges.balanceMinor > 0 ? charges.number : null,
    });
  }
  items.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
  return { customerId, level: top.decision.toLevel, template: top.decision.rule.template, items };
}

/** Fees and compensation posted on the invoice so far. */
function postedFees(invoice: Invoice): number {
  return (invoice.dunning.feesPostedMinor ?? 0) + (invoice.dunning.compensationPostedMinor ?? 0);
}

