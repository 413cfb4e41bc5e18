/**
 * The daily dunning run (scheduled at 06:00 business time, or `POST /dunning/runs`): finds the
 * items due for action through the next-action-date index, decides per item with the pure rules
 * of `run.ts`, sends at most one letter per customer, then records each item's new level, fees
 * and interest (with their ledger entries), and advances each escalation execution.
 *
 * Idempotent per day: the run of a day is `run-<date>`; each customer's letter is recorded
 * (conditionally) before it is sent, so an attempt of the same day after a failure sends nobody a
 * second letter: a SENT letter is not sent again (its items are applied if they were not), a
 * FAILED one is retried, one left SENDING by a crash is reported and not resent. Ledger entries
 * have deterministic ids and are written once. A dry run decides and renders, and writes nothing
 * but its own report.
 */
import * as z from 'zod';
import { calendarDate } from '../validation';
import type { PredictionStore } from '../prediction/refresh';
import { rankByValueAtStake } from '../prediction/risk';
import type { PayLinks } from '../portal/pay-link';
import type { Customer } from '../customers/customer';
import { ValidationError } from '../errors';
import { isOpen, type Invoice } from '../invoices/invoice';
import { addCharges, chargesIdentity, newChargesItem } from '../invoices/transitions';
import { forEachLimit } from '../kernel/concurrency';
import { retryOnConflict } from '../kernel/retry';
import { journal, type Journal } from '../ledger/ledger';
import { formatAmount, minorUnitDigits, money } from '../money/money';
import { PostingWrittenBeforeError, type InvoiceChange, type Posting } from '../posting/posting';
import type { Mailer, PostingWriter } from '../ports';
import { addCalendarDays, calendarDateIn, calendarDaysBetween, isCalendarDate, type Clock } from '../time/clock';
import type { Seller } from '../invoices/invoice-email';
import { deliverPending, escalationNameFor, reminderState } from './escalation';
import { dueSoonLetter, dunningLetter, type DueSoonItem } from './letter';
import { decidePreDue, preDueWindowDays, type PreDueDecision } from './pre-due';
import { mandateStatus, type Mandate } from '../sepa/mandate';
import { reminderPaymentCodes } from '../sepa/reminder-payment';
import { effectivePolicies, resolvePolicy, type DunningPolicy } from './policy';
import {
  collectionsWorklist,
  type DunningRunRecord,
  type DunningStore,
  type EscalationWorkflow,
  type LetterRecord,
  type RunItemRecord,
} from './ports';
import { decideItem, planLetter, type ItemDecision, type LetterPlan } from './run';
import type { DunningHistoryEntry } from './state';

export interface DunningDeps {
  readonly store: DunningStore;
  /** The one writer of money and invoice changes. */
  readonly postings: PostingWriter;
  readonly workflow: EscalationWorkflow;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly settings: { readonly businessTimeZone: string; readonly seller: Seller };
  /** Payment predictions, when there are: the customers' letters then go out by value at stake. */
  readonly predictions?: Pick<PredictionStore, 'predictions'>;
  /** Issues the fresh pay link every letter carries (absent: letters without one). */
  readonly payLinks?: PayLinks;
  /** The customers' SEPA mandates: an invoice collected by direct debit gets no reminder before its due date (absent: no mandates). */
  readonly directDebits?: { mandatesOf(customerId: string): Promise<Mandate[]> };
}

/** Without a completed run before, the first run looks this many days back for items due. */
export const FIRST_RUN_LOOKBACK_DAYS = 31;
/** Customers handled at the same time. */
const CUSTOMER_CONCURRENCY = 8;

export interface RunRequest {
  readonly asOf?: string | undefined;
  readonly dryRun?: boolean | undefined;
  readonly trigger: 'schedule' | 'api';
}

type Escalation = Extract<ItemDecision, { kind: 'escalate' }>;
type Skip = Extract<ItemDecision, { kind: 'skip' }>;

/** Runs dunning for `asOf` (default: today in the business time zone) and returns what it did. */
export async function runDunning(deps: DunningDeps, request: RunRequest) {
  const now = deps.clock.now();
  const today = calendarDateIn(now, deps.settings.businessTimeZone);
  const asOf = request.asOf ?? today;
  if (!isCalendarDate(asOf)) throw ValidationError.of('asOf', 'must be a calendar date YYYY-MM-DD');
  if (asOf > today) throw ValidationError.of('asOf', `must not be after today (${today}): dunning cannot act on the future`);
  const dryRun = request.dryRun === true;
  const runId = dryRun ? `dry-${asOf}-${deps.newId().replace(/-/g, '').slice(0, 12)}` : `run-${asOf}`;

  const last = await deps.store.lastCompletedRunDate();
  const fromDate = last ? (last < asOf ? last : asOf) : addCalendarDays(asOf, -FIRST_RUN_LOOKBACK_DAYS);
  const started = await deps.store.startRun({
    runId,
    asOf,
    dryRun,
    trigger: request.trigger,
    status: 'RUNNING',
    startedAt: now.toISOString(),
    completedAt: null,
    fromDate,
    toDate: asOf,
    attempts: 1,
    counts: { itemsFound: 0, escalated: 0, skipped: 0, letters: 0, lettersFailed: 0 },
  });
  const run = started.run;

  // Items due: every next action date from `fromDate` to `asOf`, then read consistently (the
  // index is eventually consistent; a payment a moment ago must be seen).
  const dueIds = new Set<string>();
  for (let date = fromDate; date <= asOf; date = addCalendarDays(date, 1)) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.itemsDueOn(date, cursor);
      for (const item of page.items) dueIds.add(item.invoiceId);
      cursor = page.cursor;
    } while (cursor);
  }
  const fresh = await deps.store.invoices([...dueIds]);
  const due = [...fresh.values()].filter((i) => i.nextActionDate !== undefined && i.nextActionDate <= asOf && !i.chargesOf);
  const chargesIds = due.map((i) => i.dunning.chargesInvoiceId).filter((id): id is string => !!id);
  const charges = chargesIds.length ? await deps.store.invoices(chargesIds) : new Map<string, Invoice>();
  const policies = effectivePolicies(await deps.store.listPolicies());

  // Reminders before the due date: items whose next action (the day after their due date) is
  // within the earliest pre-due level of any policy, plus the items due today not yet due.
  const window = preDueWindowDays(policies.values());
  const soonIds = new Set<string>();
  for (let date = addCalendarDays(asOf, 1); window > 0 && date <= addCalendarDays(asOf, window + 1); date = addCalendarDays(date, 1)) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.itemsDueOn(date, cursor);
      for (const item of page.items) if (!dueIds.has(item.invoiceId)) soonIds.add(item.invoiceId);
      cursor = page.cursor;
    } while (cursor);
  }
  const soonRead = soonIds.size ? await deps.store.invoices([...soonIds]) : new Map<string, Invoice>();
  const soon = window > 0 ? [...due, ...soonRead.values()].filter((i) => !i.chargesOf && i.dueDate > asOf && i.nextActionDate !== undefined) : [];
  const customers = await deps.store.customers([...new Set([...due, ...soon].map((i) => i.customerId))]);

  const byCustomer = new Map<string, Invoice[]>();
  for (const invoice of due) byCustomer.set(invoice.customerId, [...(byCustomer.get(invoice.customerId) ?? []), invoice]);
  const soonByCustomer = new Map<string, Invoice[]>();
  for (const invoice of soon) {
    soonByCustomer.set(invoice.customerId, [...(soonByCustomer.get(invoice.customerId) ?? []), invoice]);
    if (!byCustomer.has(invoice.customerId)) byCustomer.set(invoice.customerId, []);
  }

  const context: RunContext = { deps, runId, asOf, dryRun, policies, charges };
  const results: CustomerResult[] = [];
  // With predictions, the customers with the most at stake first (the sum over their items of
  // balance x probability of being paid more than 30 days late); else in customer id order.
  const stake = new Map<string, number>();
  if (deps.predictions) {
    const ranked = rankByValueAtStake(
      due.map((i) => ({ invoiceId: i.invoiceId, customerId: i.customerId, currency: i.currency, openMinor: i.balanceMinor, dueDate: i.dueDate })),
      await deps.predictions.predictions(due.map((i) => i.invoiceId)),
      asOf,
    );
    for (const r of ranked) stake.set(r.item.customerId, (stake.get(r.item.customerId) ?? 0) + r.valueAtStakeMinor / 10 ** minorUnitDigits(r.item.currency));
  }
  const queue = [...byCustomer.entries()].sort(([a], [b]) => (stake.get(b) ?? 0) - (stake.get(a) ?? 0) || a.localeCompare(b));
  await forEachLimit(queue, CUSTOMER_CONCURRENCY, async ([customerId, invoices]) => {
    results.push(await handleCustomer(context, customerId, customers.get(customerId), invoices, soonByCustomer.get(customerId) ?? []));
  });

  const items = results.flatMap((r) => r.items);
  await deps.store.putRunItems(runId, items);
  const finished: DunningRunRecord = {
    ...run,
    status: 'COMPLETED',
    completedAt: deps.clock.now().toISOString(),
    fromDate,
    counts: {
      itemsFound: due.length,
      escalated: items.filter((i) => i.outcome === 'escalated' || i.outcome === 'handed-to-collector').length,
      skipped: items.filter((i) => i.outcome === 'skipped').length,
      letters: results.filter((r) => r.letter && r.letter.state !== 'FAILED').length,
      lettersFailed: results.filter((r) => r.letter?.state === 'FAILED').length,
    },
  };
  await deps.store.finishRun(finished);
  return runReport(finished, results.flatMap((r) => (r.letter ? [r.letter] : [])), items);
}

interface RunContext {
  readonly deps: DunningDeps;
  readonly runId: string;
  readonly asOf: string;
  readonly dryRun: boolean;
  readonly policies: Map<string, DunningPolicy>;
  readonly charges: Map<string, Invoice>;
}

interface CustomerResult {
  readonly letter: LetterRecord | null;
  readonly items: RunItemRecord[];
}

async function handleCustomer(ctx: RunContext, customerId: string, customer: Customer | undefined, invoices: readonly Invoice[], soon: readonly Invoice[]): Promise<CustomerResult> {
  const { deps, asOf, runId } = ctx;
  const tz = deps.settings.businessTimeZone;
  const decided = invoices.map((invoice) => {
    const charges = invoice.dunning.chargesInvoiceId ? (ctx.charges.get(invoice.dunning.chargesInvoiceId) ?? null) : null;
    const { policy, note } = resolvePolicy(ctx.policies, invoice.dunning.policyId, customer ?? { dunningPolicyId: 'default', isConsumer: false });
    return { invoice, charges, policy, decision: decideItem({ invoice, charges }, customer, policy, note, asOf, tz) };
  });
  const escalations = decided.filter((d): d is typeof d & { decision: Escalation } => d.decision.kind === 'escalate');
  const mandates = soon.length && customer && deps.directDebits ? await deps.directDebits.mandatesOf(customerId) : [];
  const preDue = soon
    .map((invoice) => {
      const { policy } = resolvePolicy(ctx.policies, invoice.dunning.policyId, customer ?? { dunningPolicyId: 'default', isConsumer: false });
      const mandateActive = mandates.some((m) => mandateStatus(m, invoice.dueDate) === 'ACTIVE');
      return { invoice, decision: decidePreDue(invoice, customer, policy, asOf, mandateActive) };
    })
    .filter((p): p is { invoice: Invoice; decision: Exclude<PreDueDecision, { kind: 'nothing' }> } => p.decision.kind !== 'nothing');
  const dueSoon: DueSoonItem[] = preDue.flatMap(({ invoice, decision }) =>
    decision.kind === 'remind'
      ? [{ invoiceId: invoice.invoiceId, number: invoice.number, rfReference: invoice.rfReference, currency: invoice.currency, dueDate: invoice.dueDate, daysToDue: decision.daysToDue, balanceMinor: invoice.balanceMinor }]
      : [],
  );

  let letter: LetterRecord | null = null;
  /** Whether the items raised to a letter level may be recorded: their letter went out (now or in an earlier attempt). */
  let lettersOut = false;
  let letterProblem: { outcome: 'send-failed' | 'letter-uncertain'; detail: string } | null = null;
  let messageId: string | null = null;
  const letterItems = escalations.filter((e) => e.decision.rule.action === 'letter');
  if (customer && (letterItems.length > 0 || dueSoon.length > 0)) {
    // One letter per customer and run: the reminder with the items falling due soon beside it,
    // or, with nothing overdue to remind, the "falls due soon" letter alone.
    let plan: LetterPlan;
    let email;
    const link = deps.payLinks?.linkFor(customerId);
    if (letterItems.length > 0) {
      const all = await deps.store.invoicesOfCustomer(customerId);
      const chargesOf = new Map(all.filter((i) => i.chargesOf).map((i) => [i.chargesOf!, i]));
      const others = all
        .filter((i) => !i.chargesOf && isOpen(i))
        .map((invoice) => ({ invoice, charges: chargesOf.get(invoice.invoiceId) ?? null, policy: resolvePolicy(ctx.policies, invoice.dunning.policyId, customer).policy }));
      plan = planLetter(customerId, escalations, others, asOf)!;
      email = dunningLetter(plan, customer, deps.settings.seller, link, dueSoon, await reminderPaymentCodes(plan, deps.settings.seller));
    } else {
      plan = { customerId, level: 0, template: 'due-soon', items: [] };
      email = dueSoonLetter(dueSoon, customer, deps.settings.seller, link);
    }
    const record = letterRecord(runId, plan, dueSoon, email.subject, ctx.dryRun ? 'DRY_RUN' : 'SENDING', deps.clock.now().toISOString());
    const claim = await deps.store.claimLetter(record);
    let send = claim.claimed && !ctx.dryRun;
    letter = claim.claimed ? record : claim.existing;
    if (!claim.claimed) {
      if (claim.existing.state === 'SENT') {
        lettersOut = true;
        messageId = claim.existing.messageId;
      } else if (claim.existing.state === 'FAILED') {
        send = await deps.store.retryLetter(runId, customerId, claim.existing.attempts + 1, deps.clock.now().toISOString());
        if (!send) letterProblem = { outcome: 'letter-uncertain', detail: 'another attempt of this run is sending the letter' };
      } else {
        letterProblem = { outcome: 'letter-uncertain', detail: 'an earlier attempt of this run stopped while sending this letter; it is not sent again' };
      }
    }
    if (send) {
      const at = () => deps.clock.now().toISOString();
      try {
        messageId = await deps.mailer.send(email);
        await deps.store.finishLetter(runId, customerId, { state: 'SENT', messageId }, at());
        letter = { ...letter, state: 'SENT', messageId, attempts: claim.claimed ? 1 : letter.attempts + 1 };
        lettersOut = true;
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        await deps.store.finishLetter(runId, customerId, { state: 'FAILED', error: message }, at());
        letter = { ...letter, state: 'FAILED', error: message };
        letterProblem = { outcome: 'send-failed', detail: message };
      }
    }
  }

  const records: RunItemRecord[] = [];
  for (const d of decided) {
    const { invoice, charges, decision } = d;
    const base = { invoiceId: invoice.invoiceId, number: invoice.number, customerId, currency: invoice.currency, fromLevel: invoice.dunning.level };
    if (decision.kind === 'skip') {
      records.push({ ...base, outcome: 'skipped', level: invoice.dunning.level, reason: decision.reason, detail: decision.detail, fee: null, interest: null });
      if (!ctx.dryRun) await applySkip(ctx, invoice, decision);
      continue;
    }
    const amounts = {
      fee: formatAmount(money(decision.feeMinor + decision.compensationMinor, invoice.currency)),
      interest: formatAmount(money(decision.interestMinor, invoice.currency)),
    };
    const isLetter = decision.rule.action === 'letter';
    if (isLetter && !ctx.dryRun && !lettersOut) {
      const problem = letterProblem ?? { outcome: 'send-failed' as const, detail: 'no letter was sent' };
      records.push({ ...base, outcome: problem.outcome, level: invoice.dunning.level, reason: null, detail: problem.detail, ...amounts });
      if (problem.outcome === 'send-failed') await recordSendFailure(ctx, invoice, problem.detail);
      continue;
    }
    records.push({ ...base, outcome: isLetter ? 'escalated' : 'handed-to-collector', level: decision.toLevel, reason: null, detail: decision.note, ...amounts });
    if (!ctx.dryRun) await applyEscalation(ctx, invoice, charges, decision, isLetter ? messageId : null);
  }
  const decidedIds = new Set(decided.map((d) => d.invoice.invoiceId));
  for (const { invoice, decision } of preDue) {
    const base = { invoiceId: invoice.invoiceId, number: invoice.number, customerId, currency: invoice.currency, fromLevel: invoice.dunning.level, level: invoice.dunning.level, fee: null, interest: null };
    if (decision.kind === 'skip') {
      // An item due today but not yet due has its record from the rules above already.
      if (!decidedIds.has(invoice.invoiceId)) records.push({ ...base, outcome: 'skipped', reason: decision.reason, detail: `${decision.rule.name}: ${decision.detail}` });
      continue;
    }
    if (!ctx.dryRun && !lettersOut) {
      // Not recorded: tomorrow's run finds the item again and sends the level then due.
      const problem = letterProblem ?? { outcome: 'send-failed' as const, detail: 'no letter was sent' };
      records.push({ ...base, outcome: problem.outcome, reason: null, detail: problem.detail });
      continue;
    }
    records.push({ ...base, outcome: 'reminded-before-due', reason: null, detail: `${decision.rule.name}: falls due in ${decision.daysToDue} day(s), on ${invoice.dueDate}` });
    if (!ctx.dryRun) await applyPreDueReminder(ctx, invoice, decision, messageId);
  }
  return { letter, items: records };
}

/**
 * Records a reminder before the due date on the invoice's dunning history (which pre-due level,
 * which message), once per level: the level, fees, interest and escalation stay as they were.
 */
async function applyPreDueReminder(ctx: RunContext, first: Invoice, decision: Extract<PreDueDecision, { kind: 'remind' }>, messageId: string | null): Promise<void> {
  await applyWithRetry(
    ctx,
    first.invoiceId,
    (invoice) => {
      const d = invoice.dunning;
      if (d.history.some((h) => h.event === 'due-soon-reminder' && (h.runId === ctx.runId || h.preDueDays === decision.rule.daysPastDue))) return null;
      const entry = historyEntry(ctx, {
        level: d.level,
        channel: 'email',
        messageId,
        event: 'due-soon-reminder',
        preDueDays: decision.rule.daysPastDue,
        note: `${decision.rule.name}: falls due in ${decision.daysToDue} day(s), on ${invoice.dueDate}`,
      });
      return {
        description: `reminder before the due date of invoice ${invoice.invoiceId} in ${ctx.runId}`,
        invoices: [{ before: invoice, after: { ...invoice, dunning: { ...d, history: [...d.history, entry], lastError: null, version: (d.version ?? 0) + 1 } } }],
        journals: [],
      };
    },
    { invoice: first, charges: null },
  );
}

function letterRecord(runId: string, plan: LetterPlan, dueSoon: readonly DueSoonItem[], subject: string, state: LetterRecord['state'], at: string): LetterRecord {
  return {
    runId,
    customerId: plan.customerId,
    state,
    attempts: state === 'SENDING' ? 1 : 0,
    messageId: null,
    error: null,
    subject,
    level: plan.level,
    items: [
      ...plan.items.map((i) => ({ invoiceId: i.invoiceId, number: i.number, level: i.level, raised: i.raised })),
      // Items falling due soon are listed at level 0 (no dunning level); a bounce is recorded on them.
      ...dueSoon.map((i) => ({ invoiceId: i.invoiceId, number: i.number, level: 0, raised: true })),
    ],
    updatedAt: at,
  };
}

/**
 * Writes the posting `build` makes of the item as read, reading again on a conflict (at most three
 * attempts); a posting written before (same journal: an earlier attempt of this run) is fine.
 * False when nothing was written (`build` found nothing to do, or it was written before).
 */
async function applyWithRetry(ctx: RunContext, invoiceId: string, build: (invoice: Invoice, charges: Invoice | null) => Posting | null, first: { invoice: Invoice; charges: Invoice | null }): Promise<boolean> {
  let current: { invoice: Invoice; charges: Invoice | null } | null = first;
  return retryOnConflict(
    async (attempt) => {
      if (attempt > 1) current = await readItem(ctx, invoiceId);
      const posting = current ? build(current.invoice, current.charges) : null;
      if (!posting) return false;
      try {
        await ctx.deps.postings.post(posting);
        return true;
      } catch (error) {
        if (error instanceof PostingWrittenBeforeError) return false;
        throw error;
      }
    },
    { attempts: 3 },
  );
}

async function readItem(ctx: RunContext, invoiceId: string): Promise<{ invoice: Invoice; charges: Invoice | null } | null> {
  const invoice = (await ctx.deps.store.invoices([invoiceId])).get(invoiceId);
  if (!invoice) return null;
  const chargesId = invoice.dunning.chargesInvoiceId;
  return { invoice, charges: chargesId ? ((await ctx.deps.store.invoices([chargesId])).get(chargesId) ?? null) : null };
}

function historyEntry(ctx: RunContext, entry: Omit<DunningHistoryEntry, 'at' | 'runId'>): DunningHistoryEntry {
  return { ...entry, at: ctx.deps.clock.now().toISOString(), runId: ctx.runId };
}

async function applyEscalation(ctx: RunContext, first: Invoice, firstCharges: Invoice | null, decision: Escalation, messageId: string | null): Promise<void> {
  const { deps, asOf, runId } = ctx;
  const now = deps.clock.now().toISOString();
  let startedEscalation = false;
  const applied = await applyWithRetry(
    ctx,
    first.invoiceId,
    (invoice, charges) => {
      // Recorded by an earlier attempt of this run already (or the item moved on meanwhile).
      if (invoice.dunning.history.some((h) => h.runId === runId && (h.event === 'reminder' || h.event === 'handed-to-collector'))) return null;
      if (invoice.dunning.level !== decision.fromLevel) return null;
      const resend = decision.toLevel === decision.fromLevel;
      const d = invoice.dunning;
      const entries: DunningHistoryEntry[] = [];
      if (decision.keptPromise) entries.push(historyEntry(ctx, { level: d.level, channel: 'none', messageId: null, event: 'promise-kept', state: 'DunningResumed', note: `promise ${decision.keptPromise.promiseId} kept` }));
      if (decision.brokenPromise) {
        entries.push(historyEntry(ctx, { level: d.level, channel: 'none', messageId: null, event: 'promise-broken', state: 'PromiseBroken', note: decision.note ?? 'promise broken' }));
      }
      const collector = decision.rule.action === 'collector';
      entries.push(
        historyEntry(ctx, {
          level: decision.toLevel,
          channel: collector ? 'collector' : 'email',
          messageId,
          event: collector ? 'handed-to-collector' : 'reminder',
          // A letter sent again after a bounce moves the escalation nowhere: the entry has no state.
          ...(resend ? {} : { state: reminderState(decision.toLevel, decision.rule.template, decision.rule.action) }),
          note: [decision.rule.name, decision.note].filter(Boolean).join('; '),
        }),
      );
      const chargeMinor = decision.feeMinor + decision.compensationMinor + decision.interestMinor;
      const identity = chargesIdentity(invoice);
      const closePromise = (decision.brokenPromise ?? decision.keptPromise)?.promiseId;
      startedEscalation = !d.escalation;
      const after: Invoice = {
        ...invoice,
        nextActionDate: decision.nextActionDate ?? undefined,
        dunning: {
          ...d,
          level: decision.toLevel,
          lastReminderDate: resend ? (d.lastReminderDate ?? asOf) : asOf,
          undelivered: resend && d.undelivered ? { ...d.undelivered, resent: true } : null,
          history: [...d.history, ...entries],
          version: (d.version ?? 0) + 1,
          block: closePromise || d.block?.kind === 'manual' ? null : (d.block ?? null),
          blockedUntil: closePromise || d.block?.kind === 'manual' ? null : d.blockedUntil,
          promises: (d.promises ?? []).map((p) => (p.promiseId === closePromise ? { ...p, status: decision.brokenPromise ? ('broken' as const) : ('kept' as const), closedAt: now } : p)),
          feesPostedMinor: (d.feesPostedMinor ?? 0) + decision.feeMinor,
          compensationPostedMinor: (d.compensationPostedMinor ?? 0) + decision.compensationMinor,
          interestPostedMinor: (d.interestPostedMinor ?? 0) + decision.interestMinor,
          chargesInvoiceId: chargeMinor > 0 ? identity.invoiceId : (d.chargesInvoiceId ?? null),
          escalation: d.escalation ?? { executionName: escalationNameFor(invoice.invoiceId), startedAt: now, state: 'active', endedAs: null },
          handedToCollectorAt: collector ? now : (d.handedToCollectorAt ?? null),
          lastError: null,
        },
      };
      const journals: Journal[] = [];
      const invoices: InvoiceChange[] = [{ before: invoice, after }];
      if (chargeMinor > 0) {
        const m = (minor: number) => formatAmount(money(minor, invoice.currency));
        const added = addCharges(charges ?? newChargesItem(invoice, asOf, now), {
          principalInvoiceId: invoice.invoiceId,
          feeMinor: decision.feeMinor + decision.compensationMinor,
          interestMinor: decision.interestMinor,
          at: now,
          note: `level ${decision.toLevel} of ${invoice.number}: fee ${m(decision.feeMinor + decision.compensationMinor)}, interest ${m(decision.interestMinor)}`,
        });
        journals.push(journal(`dunning-charges-${invoice.invoiceId}-L${decision.toLevel}${resend ? `-${asOf}` : ''}`, 'DunningChargesPosted', now, added.journalLines));
        invoices.push({ before: charges, after: added.invoice });
      }
      return { description: `dunning of invoice ${invoice.invoiceId} in ${runId}`, invoices, journals, ...(collector ? collectionsWorklist(invoice, 'add', now) : {}) };
    },
    { invoice: first, charges: firstCharges },
  );
  if (!applied) return;
  if (startedEscalation) {
    // A new execution reads the history itself when its first step waits; only one started before may wait already.
    const { alreadyStarted } = await deps.workflow.startEscalation(escalationNameFor(first.invoiceId), { invoiceId: first.invoiceId, step: { seen: 0, state: 'EscalationStarted' } });
    if (!alreadyStarted) return;
  }
  await deliverPending(deps, first.invoiceId);
}

async function applySkip(ctx: RunContext, first: Invoice, decision: Skip): Promise<void> {
  const now = ctx.deps.clock.now().toISOString();
  let wroteHistory = false;
  const applied = await applyWithRetry(
    ctx,
    first.invoiceId,
    (invoice) => {
      const d = invoice.dunning;
      const entries: DunningHistoryEntry[] = [];
      let block = d.block ?? null;
      let blockedUntil = d.blockedUntil;
      let promises = d.promises ?? [];
      let escalation = d.escalation ?? null;
      if (decision.unblocked) {
        const kept = decision.keptPromise;
        entries.push(
          historyEntry(ctx, {
            level: d.level,
            channel: 'none',
            messageId: null,
            event: kept ? 'promise-kept' : 'resumed',
            state: 'DunningResumed',
            note: kept ? `promise ${kept.promiseId} kept; the balance left is dunned` : `block ended: ${d.block?.reason ?? ''}`,
          }),
        );
        block = null;
        blockedUntil = null;
        if (kept) promises = promises.map((p) => (p.promiseId === kept.promiseId ? { ...p, status: 'kept' as const, closedAt: now } : p));
      }
      if (decision.end && escalation?.state === 'active') {
        const written = decision.end === 'written-off';
        entries.push(historyEntry(ctx, { level: d.level, channel: 'none', messageId: null, event: decision.end, state: written ? 'WrittenOff' : 'Settled', note: decision.detail }));
        escalation = { ...escalation, state: 'ended', endedAs: written ? 'WrittenOff' : 'Settled' };
      }
      if (decision.reason === 'paid' || decision.reason === 'credited' || decision.reason === 'written-off') {
        // Nothing left to collect: a block has nothing left to hold, an open promise was kept (or is moot).
        block = null;
        blockedUntil = null;
        promises = promises.map((p) => (p.status === 'open' ? { ...p, status: decision.reason === 'written-off' ? ('broken' as const) : ('kept' as const), closedAt: now } : p));
      }
      const nextActionDate = decision.nextActionDate ?? undefined;
      if (entries.length === 0 && nextActionDate === invoice.nextActionDate) return null;
      wroteHistory = entries.length > 0;
      const after: Invoice = {
        ...invoice,
        nextActionDate,
        dunning: { ...d, block, blockedUntil, promises, escalation, history: [...d.history, ...entries], version: (d.version ?? 0) + 1 },
      };
      return {
        description: `dunning of invoice ${invoice.invoiceId} in ${ctx.runId}`,
        invoices: [{ before: invoice, after }],
        journals: [],
        ...(decision.end ? collectionsWorklist(invoice, 'remove', now) : {}),
      };
    },
    { invoice: first, charges: null },
  );
  if (applied && wroteHistory) await deliverPending(ctx.deps, first.invoiceId);
}

/** An SES error: kept on the item, which stays due today so that the next attempt (or tomorrow's run) retries. */
async function recordSendFailure(ctx: RunContext, first: Invoice, message: string): Promise<void> {
  await applyWithRetry(
    ctx,
    first.invoiceId,
    (invoice) => ({
      description: `send failure of invoice ${invoice.invoiceId} in ${ctx.runId}`,
      invoices: [
        {
          before: invoice,
          after: {
            ...invoice,
            nextActionDate: ctx.asOf,
            dunning: { ...invoice.dunning, lastError: { at: ctx.deps.clock.now().toISOString(), runId: ctx.runId, message }, version: (invoice.dunning.version ?? 0) + 1 },
          },
        },
      ],
      journals: [],
    }),
    { invoice: first, charges: null },
  );
}

/** The run as `GET /dunning/runs/{runId}` shows it. */
export function runReport(run: DunningRunRecord, letters: readonly LetterRecord[], items: readonly RunItemRecord[]) {
  const byCustomer = new Map<string, RunItemRecord[]>();
  for (const item of items) byCustomer.set(item.customerId, [...(byCustomer.get(item.customerId) ?? []), item]);
  return {
    runId: run.runId,
    asOf: run.asOf,
    dryRun: run.dryRun,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    fromDate: run.fromDate,
    counts: run.counts,
    customersContacted: [...letters]
      .sort((a, b) => a.customerId.localeCompare(b.customerId))
      .map((l) => ({
        customerId: l.customerId,
        letter: { state: l.state, messageId: l.messageId, subject: l.subject, level: l.level, attempts: l.attempts, error: l.error },
        items: l.items,
      })),
    items: items
      .filter((i) => i.outcome !== 'skipped')
      .map((i) => ({ invoiceId: i.invoiceId, number: i.number, customerId: i.customerId, outcome: i.outcome, fromLevel: i.fromLevel, level: i.level, fee: i.fee, interest: i.interest, currency: i.currency, detail: i.detail })),
    skipped: items.filter((i) => i.outcome === 'skipped').map((i) => ({ invoiceId: i.invoiceId, number: i.number, customerId: i.customerId, level: i.level, reason: i.reason, detail: i.detail })),
  };
}

/** `GET /dunning/runs/{runId}`. */
export async function getRun(deps: Pick<DunningDeps, 'store'>, runId: string) {
  const run = await deps.store.getRun(runId);
  if (!run) return undefined;
  const [letters, items] = await Promise.all([deps.store.letters(runId), deps.store.runItems(runId)]);
  return runReport(run, letters, items);
}

/** Whole days between two business dates (exported for the worklist). */
export const daysBetween = calendarDaysBetween;

/** The body of `POST /dunning/runs`: `asOf` (a past day to run for) and `dryRun` (send and change nothing), both optional. */
export const startDunningRunRequest = z.strictObject({ asOf: calendarDate.optional(), dryRun: z.boolean().optional() });
