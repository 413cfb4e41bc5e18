/**
 * What finance (and customers through the storefront) do to an item's dunning: dispute it and
 * resolve the dispute (credit or reject), promise to pay, block it by hand, override its policy,
 * write it off; and what they read: the policies and the collectors' worklist.
 *
 * Each change is one posting (the invoice, its charges item and the journals when money moves),
 * retried on a concurrent change, followed by delivering the new history entry to the item's
 * escalation execution. Money moves only through the invoice's transitions (credit, write-off).
 */
import * as z from 'zod';
import type { PredictionStore } from '../prediction/refresh';
import { rankByValueAtStake } from '../prediction/risk';
import { predictionView } from '../prediction/views';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { derivedStatus, isOpen, type Invoice, type InvoiceStatus } from '../invoices/invoice';
import { creditInvoice, writeOffInvoice } from '../invoices/transitions';
import { resumeSettledInvoices } from '../invoices/settlement';
import { retryOnConflict } from '../kernel/retry';
import { journal, type Journal } from '../ledger/ledger';
import { formatAmount, money } from '../money/money';
import { settledBy, type Posting } from '../posting/posting';
import { addCalendarDays, calendarDateIn, calendarDaysBetween } from '../time/clock';
import { calendarDate, decimalIn, decimalString, identifier, parseWith } from '../validation';
import { deliverPending } from './escalation';
import { effectivePolicies, policyFromRequest, policyView } from './policy';
import { collectionsWorklist as worklistEntry } from './ports';
import type { DunningDeps } from './run-dunning';
import type { DunningHistoryEntry, Dispute, PromiseToPay } from './state';
import { maySee, type Caller } from '../access/caller';
import { canCreditAnAmount, creditNoteSeries, issueCreditNote, type CreditNote } from '../invoices/credit-note';
import type { CreditNoteReader } from '../invoices/credit-notes';
import { SequenceTakenError } from '../ports';

type Deps = Pick<DunningDeps, 'store' | 'postings' | 'workflow' | 'clock' | 'newId' | 'settings'> & {
  /** Resumes the invoice's settlement (order lifecycle) when a credit or write-off settles it. */
  readonly settlement?: { paymentTaskToken(invoiceId: string): Promise<string | undefined> };
  /** Credit notes: with them, a dispute resolved with a credit issues a credit note (an invoice with lines). */
  readonly creditNotes?: CreditNoteReader;
};

async function load(deps: Pick<DunningDeps, 'store'>, invoiceId: string): Promise<{ invoice: Invoice; charges: Invoice | null }> {
  const invoice = (await deps.store.invoices([invoiceId])).get(invoiceId);
  if (!invoice || invoice.chargesOf) throw new NotFoundError('Invoice', invoiceId);
  const chargesId = invoice.dunning.chargesInvoiceId;
  const charges = chargesId ? ((await deps.store.invoices([chargesId])).get(chargesId) ?? null) : null;
  return { invoice, charges };
}

/**
 * Reads the invoice, builds the posting and writes it; on a concurrent change reads again and
 * builds again (the builder re-checks its preconditions). Then advances the escalation, and resumes
 * the order's settlement when a credit or write-off settled the invoice.
 */
async function change<T>(deps: Deps, invoiceId: string, build: (invoice: Invoice, charges: Invoice | null) => { posting: Posting | null; result: T }): Promise<T> {
  const built = await retryOnConflict(
    async () => {
      const { invoice, charges } = await load(deps, invoiceId);
      const built = build(invoice, charges);
      // No posting: the request was written before (a retry of it); the escalation and settlement are advanced again below.
      if (built.posting) await deps.postings.post(built.posting);
      return built;
    },
    { attempts: 5 },
  );
  await deliverPending(deps, invoiceId);
  if (deps.settlement && built.posting) await resumeSettledInvoices({ invoices: deps.settlement, workflow: deps.workflow }, settledBy(built.posting));
  return built.result;
}

const entry = (deps: Deps, e: Omit<DunningHistoryEntry, 'at' | 'channel' | 'messageId'>): DunningHistoryEntry => ({
  channel: 'none',
  messageId: null,
  at: deps.clock.now().toISOString(),
  ...e,
});

function today(deps: Deps): string {
  return calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone);
}

/** The status an invoice returns to when a dispute ends: from its balance and whether it is past due. */
function statusAfterDispute(invoice: Invoice, now: Date): { status: InvoiceStatus; overdueSince: string | null } {
  const overdueSince = invoice.overdueSince ?? (now.getTime() >= Date.parse(invoice.overdueAt) ? invoice.overdueAt : null);
  return { status: derivedStatus({ ...invoice, overdueSince, status: 'OPEN' }), overdueSince };
}

const reason = z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters');

export const disputeRequest = z.strictObject({ reason, amount: decimalString.optional() });

/**
 * `POST /invoices/{id}/disputes`: blocks dunning from the next run on, until resolved. A
 * storefront disputes only its own customers' invoices (another's is not found).
 */
export async function openDispute(deps: Deps, caller: Caller, invoiceId: string, body: unknown) {
  const request = parseWith(disputeRequest, body);
  const disputeId = `D-${deps.newId()}`;
  return change(deps, invoiceId, (invoice) => {
    if (!maySee(caller, invoice.ownerId)) throw new NotFoundError('Invoice', invoiceId);
    if (!isOpen(invoice)) throw new ConflictError(`Invoice ${invoiceId} is ${invoice.status} with nothing left to dispute`, 'NOT_OPEN');
    if ((invoice.dunning.disputes ?? []).some((d) => d.status === 'open')) throw new ConflictError(`Invoice ${invoiceId} has an open dispute already`, 'DISPUTE_OPEN');
    const amountMinor = request.amount === undefined ? null : decimalIn('amount', request.amount, invoice.currency, { allowZero: false });
    if (amountMinor !== null && amountMinor > invoice.balanceMinor) throw ValidationError.of('amount', `must not exceed the balance ${formatAmount(money(invoice.balanceMinor, invoice.currency))}`);
    const now = deps.clock.now().toISOString();
    const d = invoice.dunning;
    const dispute: Dispute = { disputeId, reason: request.reason, amountMinor, openedAt: now, levelAtOpen: d.level, status: 'open', resolvedAt: null, resolution: null, creditMinor: null };
    const after: Invoice = {
      ...invoice,
      status: 'DISPUTED',
      history: [...invoice.history, { status: 'DISPUTED', at: now, note: `dispute ${disputeId}` }],
      nextActionDate: undefined,
      dunning: {
        ...d,
        block: { kind: 'dispute', reason: request.reason, until: null, since: now, ref: disputeId },
        blockedUntil: null,
        disputes: [...(d.disputes ?? []), dispute],
        history: [...d.history, entry(deps, { level: d.level, event: 'blocked', state: 'BlockedByDispute', note: `dispute ${disputeId}: ${request.reason}` })],
        version: (d.version ?? 0) + 1,
      },
    };
    return {
      posting: { description: `dispute ${disputeId} of invoice ${invoiceId}`, invoices: [{ before: invoice, after }], journals: [] },
      result: { disputeId, invoiceId, status: 'open', reason: request.reason, amount: amountMinor === null ? null : formatAmount(money(amountMinor, invoice.currency)), blocksDunning: true },
    };
  });
}

export const resolveDisputeRequest = z.strictObject({
  outcome: z.enum(['credit', 'reject'], { message: 'must be credit or reject' }),
  reason,
  creditAmount: decimalString.optional(),
});

/**
 * `POST /invoices/{id}/disputes/{disputeId}/resolve`. Credit: a credit note reduces the balance
 * (revenue and tax reversed in the invoice's proportion, receivables credited); reject: dunning
 * resumes at the level the item had. Either way the next run looks at the item again.
 */
export async function resolveDispute(deps: Deps, invoiceId: string, disputeId: string, body: unknown, requestId?: string) {
  const request = parseWith(resolveDisputeRequest, body);
  if (request.outcome === 'credit' && request.creditAmount === undefined) throw ValidationError.of('creditAmount', 'is required when the outcome is credit');
  if (request.outcome === 'reject' && request.creditAmount !== undefined) throw ValidationError.of('creditAmount', 'must not be given when the outcome is reject');
  // A credit issues a credit note (own number, type 381) when the invoice has lines to credit; the
  // number is read first and taken with the posting (another writer taking it first: read again).
  for (let attempt = 1; ; attempt++) {
    let numbering: { series: string; sequence: number; previous: CreditNote[] } | null = null;
    if (request.outcome === 'credit' && deps.creditNotes) {
      const series = creditNoteSeries(today(deps));
      numbering = { series, sequence: (await deps.creditNotes.lastSequence(series)) + 1, previous: await deps.creditNotes.listByInvoice(invoiceId) };
    }
    try {
      return await resolveOnce(deps, invoiceId, disputeId, request, numbering, requestId);
    } catch (error) {
      if (!(error instanceof SequenceTakenError) || attempt >= 25) throw error;
    }
  }
}

async function resolveOnce(
  deps: Deps,
  invoiceId: string,
  disputeId: string,
  request: z.infer<typeof resolveDisputeRequest>,
  numbering: { series: string; sequence: number; previous: CreditNote[] } | null,
  requestId?: string,
) {
  return change<Record<string, unknown>>(deps, invoiceId, (invoice, charges) => {
    const d = invoice.dunning;
    const dispute = (d.disputes ?? []).find((x) => x.disputeId === disputeId);
    if (!dispute) throw new NotFoundError('Dispute', disputeId);
    if (dispute.status !== 'open' && requestId !== undefined && dispute.resolvedBy === requestId) {
      const m = (minor: number) => formatAmount(money(minor, invoice.currency));
      const result = { disputeId, invoiceId, status: dispute.status, credit: dispute.creditMinor ? m(dispute.creditMinor) : null, balance: m(invoice.balanceMinor), invoiceStatus: invoice.status, dunningLevel: d.level };
      return { posting: null, result };
    }
    if (dispute.status !== 'open') throw new ConflictError(`Dispute ${disputeId} was resolved already (${dispute.status})`, 'DISPUTE_RESOLVED');
    const nowDate = deps.clock.now();
    const now = nowDate.toISOString();
    const creditMinor = request.outcome === 'credit' ? decimalIn('creditAmount', request.creditAmount!, invoice.currency, { allowZero: false }) : 0;
    if (creditMinor > invoice.balanceMinor) throw ValidationError.of('creditAmount', `must not exceed the balance ${formatAmount(money(invoice.balanceMinor, invoice.currency))}`);
    const m = (minor: number) => formatAmount(money(minor, invoice.currency));
    const resolvedAs = request.outcome === 'credit' ? 'credited' : 'rejected';
    // The dispute ends: the status returns to what balance and due date say, then the credit (if any) moves the balance.
    const restored = statusAfterDispute(invoice, nowDate);
    const undisputed: Invoice = { ...invoice, status: restored.status, overdueSince: restored.overdueSince };
    const journals: Journal[] = [];
    let settledInvoice: Invoice;
    let creditNote: CreditNote | undefined;
    if (creditMinor > 0 && numbering && canCreditAnAmount(undisputed) && undisputed.source !== 'import' && undisputed.source !== 'dunning-charges') {
      // The credit note's id makes its journal the one a dispute credit always had (`credit-note-<invoice>-<dispute>`).
      try {
        const issued = issueCreditNote({
          creditNoteId: `${invoice.invoiceId}-${disputeId}`,
          invoice: undisputed,
          body: { reason: `dispute ${disputeId}: ${request.reason}`, amount: request.creditAmount },
          previous: numbering.previous,
          series: numbering.series,
          sequence: numbering.sequence,
          now: nowDate,
          businessTimeZone: deps.settings.businessTimeZone,
        });
        settledInvoice = issued.invoice;
        creditNote = issued.creditNote;
        journals.push(issued.journal);
      } catch (error) {
        if (error instanceof ValidationError) throw new ValidationError(error.problems.map((p) => (p.field === 'amount' ? { ...p, field: 'creditAmount' } : p)));
        throw error;
      }
    } else if (creditMinor > 0) {
      const credit = creditInvoice(undisputed, { amountMinor: creditMinor, at: now, note: `dispute ${disputeId} ${resolvedAs} (credit note ${m(creditMinor)})` });
      settledInvoice = credit.invoice;
      journals.push(journal(`credit-note-${invoice.invoiceId}-${disputeId}`, 'CreditNoteIssued', now, credit.journalLines));
    } else {
      settledInvoice = { ...undisputed, history: [...invoice.history, { status: undisputed.status, at: now, note: `dispute ${disputeId} ${resolvedAs}` }] };
    }
    const entries: DunningHistoryEntry[] = [];
    if (creditMinor > 0) entries.push(entry(deps, { level: d.level, event: 'credit-note', state: 'CreditNoteIssued', note: `dispute ${disputeId} credited ${m(creditMinor)}: ${request.reason}` }));
    const settled = settledInvoice.balanceMinor === 0 && (charges?.balanceMinor ?? 0) === 0;
    const escalation = d.escalation ?? null;
    if (settled && escalation?.state === 'active') entries.push(entry(deps, { level: d.level, event: 'settled', state: 'Settled', note: 'credited in full' }));
    else entries.push(entry(deps, { level: d.level, event: 'resumed', state: 'DunningResumed', note: `dispute ${disputeId} ${resolvedAs}: ${request.reason}; dunning resumes at level ${d.level}` }));
    const resolved: Dispute = { ...dispute, status: resolvedAs, resolvedAt: now, resolution: request.reason, creditMinor: creditMinor || null, ...(requestId ? { resolvedBy: requestId } : {}) };
    const after: Invoice = {
      ...settledInvoice,
      nextActionDate: settled ? undefined : today(deps),
      dunning: {
        ...d,
        block: null,
        blockedUntil: null,
        disputes: (d.disputes ?? []).map((x) => (x.disputeId === disputeId ? resolved : x)),
        history: [...d.history, ...entries],
        escalation: settled && escalation?.state === 'active' ? { ...escalation, state: 'ended', endedAs: 'Settled' } : escalation,
        version: (d.version ?? 0) + 1,
      },
    };
    return {
      posting: {
        description: `resolution of dispute ${disputeId} of invoice ${invoiceId}`,
        invoices: [{ before: invoice, after }],
        journals,
        ...(creditNote ? { creditNote } : {}),
        ...(settled ? worklistEntry(invoice, 'remove', now) : {}),
      },
      result: {
        disputeId,
        invoiceId,
        status: resolved.status,
        credit: creditMinor ? m(creditMinor) : null,
        ...(creditNote ? { creditNoteId: creditNote.creditNoteId, creditNoteNumber: creditNote.number } : {}),
        balance: m(after.balanceMinor),
        invoiceStatus: after.status,
        dunningLevel: d.level,
      },
    };
  });
}

export const promiseRequest = z.strictObject({ amount: decimalString, promisedDate: calendarDate });

/**
 * `POST /invoices/{id}/promises`: blocks dunning until the promised date. The first run after it
 * decides: paid as promised (kept: a settled item ends its escalation, a balance left is dunned at
 * its level), or not (broken: up one level at once, and the history says so).
 */
export async function recordPromise(deps: Deps, invoiceId: string, body: unknown) {
  const request = parseWith(promiseRequest, body);
  const promiseId = `P-${deps.newId()}`;
  return change(deps, invoiceId, (invoice, charges) => {
    if (!isOpen(invoice)) throw new ConflictError(`Invoice ${invoiceId} is ${invoice.status} with nothing left to promise`, 'NOT_OPEN');
    if (invoice.dunning.block?.kind === 'dispute') throw new ConflictError(`Invoice ${invoiceId} is disputed; resolve the dispute first`, 'DISPUTE_OPEN');
    const amountMinor = decimalIn('amount', request.amount, invoice.currency, { allowZero: false });
    const outstanding = invoice.balanceMinor + (charges?.balanceMinor ?? 0);
    if (amountMinor > outstanding) throw ValidationError.of('amount', `must not exceed what is outstanding, ${formatAmount(money(outstanding, invoice.currency))}`);
    if (request.promisedDate < today(deps)) throw ValidationError.of('promisedDate', `must not be before today (${today(deps)})`);
    const now = deps.clock.now().toISOString();
    const d = invoice.dunning;
    const m = formatAmount(money(amountMinor, invoice.currency));
    const promise: PromiseToPay = { promiseId, amountMinor, promisedDate: request.promisedDate, recordedAt: now, paidAtRecordMinor: invoice.paidMinor, status: 'open', closedAt: null };
    const earlier = (d.promises ?? []).map((p) => (p.status === 'open' ? { ...p, status: 'broken' as const, closedAt: now } : p));
    const after: Invoice = {
      ...invoice,
      nextActionDate: addCalendarDays(request.promisedDate, 1),
      dunning: {
        ...d,
        block: { kind: 'promise', reason: `promise to pay ${m} by ${request.promisedDate}`, until: request.promisedDate, since: now, ref: promiseId },
        blockedUntil: request.promisedDate,
        promises: [...earlier, promise],
        history: [...d.history, entry(deps, { level: d.level, event: 'blocked', state: 'BlockedByPromise', note: `promise ${promiseId}: ${m} ${invoice.currency} by ${request.promisedDate}` })],
        version: (d.version ?? 0) + 1,
      },
    };
    return { posting: { description: `promise ${promiseId} on invoice ${invoiceId}`, invoices: [{ before: invoice, after }], journals: [] }, result: { promiseId, invoiceId, amount: m, currency: invoice.currency, promisedDate: request.promisedDate, blockedUntil: request.promisedDate } };
  });
}

export const blockRequest = z.strictObject({ reason, until: calendarDate });

/** `POST /invoices/{id}/dunning-block`: no reminder until `until` (inclusive); the run after resumes. */
export async function blockDunning(deps: Deps, invoiceId: string, body: unknown) {
  const request = parseWith(blockRequest, body);
  return change(deps, invoiceId, (invoice) => {
    if (!isOpen(invoice)) throw new ConflictError(`Invoice ${invoiceId} is ${invoice.status}`, 'NOT_OPEN');
    if (invoice.dunning.block?.kind === 'dispute') throw new ConflictError(`Invoice ${invoiceId} is disputed; the dispute blocks it already`, 'DISPUTE_OPEN');
    if (request.until < today(deps)) throw ValidationError.of('until', `must not be before today (${today(deps)})`);
    const now = deps.clock.now().toISOString();
    const d = invoice.dunning;
    const after: Invoice = {
      ...invoice,
      nextActionDate: addCalendarDays(request.until, 1),
      dunning: {
        ...d,
        block: { kind: 'manual', reason: request.reason, until: request.until, since: now, ref: null },
        blockedUntil: request.until,
        history: [...d.history, entry(deps, { level: d.level, event: 'blocked', state: 'BlockedManually', note: `blocked until ${request.until}: ${request.reason}` })],
        version: (d.version ?? 0) + 1,
      },
    };
    return { posting: { description: `dunning block of invoice ${invoiceId}`, invoices: [{ before: invoice, after }], journals: [] }, result: { invoiceId, blockedUntil: request.until, reason: request.reason } };
  });
}

export const invoicePolicyRequest = z.strictObject({ policyId: identifier.nullable() });

/** `PUT /invoices/{id}/dunning-policy`: the per-invoice policy override (null: back to the customer's). */
export async function setInvoicePolicy(deps: Deps, invoiceId: string, body: unknown) {
  const request = parseWith(invoicePolicyRequest, body);
  if (request.policyId !== null && !effectivePolicies(await deps.store.listPolicies()).has(request.policyId)) {
    throw ValidationError.of('policyId', `names no dunning policy (GET /dunning/policies lists them)`);
  }
  return change(deps, invoiceId, (invoice) => ({
    posting: {
      description: `dunning policy of invoice ${invoiceId}`,
      invoices: [{ before: invoice, after: { ...invoice, dunning: { ...invoice.dunning, policyId: request.policyId, version: (invoice.dunning.version ?? 0) + 1 } } }],
      journals: [],
    },
    result: { invoiceId, policyId: request.policyId },
  }));
}

export const writeOffRequest = z.strictObject({ reason, amount: decimalString.optional() });

/**
 * `POST /invoices/{id}/write-off`: writes off the balance (or `amount` of it) as bad debt. In full
 * it also writes off the open dunning charges, ends the escalation (`WrittenOff`) and lets the
 * order complete; a part leaves the rest dunned.
 */
export async function writeOff(deps: Deps, invoiceId: string, body: unknown, requestId?: string) {
  const request = parseWith(writeOffRequest, body);
  return change(deps, invoiceId, (invoice, charges) => {
    const m = (minor: number) => formatAmount(money(minor, invoice.currency));
    const written = requestId === undefined ? undefined : invoice.dunning.history.find((h) => h.requestId === requestId);
    if (written) {
      // A retry of a write-off that was written: the same answer, nothing more.
      const result = { invoiceId, writtenOff: m(written.amountMinor ?? 0), balance: m(invoice.balanceMinor), status: invoice.status, escalationEnded: written.event === 'written-off' };
      return { posting: null, result };
    }
    if (!isOpen(invoice)) throw new ConflictError(`Invoice ${invoiceId} is ${invoice.status} with nothing to write off`, 'NOT_OPEN');
    const amountMinor = request.amount === undefined ? invoice.balanceMinor : decimalIn('amount', request.amount, invoice.currency, { allowZero: false });
    if (amountMinor > invoice.balanceMinor) throw ValidationError.of('amount', `must not exceed the balance ${formatAmount(money(invoice.balanceMinor, invoice.currency))}`);
    const full = amountMinor === invoice.balanceMinor;
    const now = deps.clock.now().toISOString();
    const d = invoice.dunning;
    const count = requestId ?? d.history.filter((h) => h.event === 'written-off' || h.event === 'partly-written-off').length + 1;
    const note = `${full ? 'written off' : `${m(amountMinor)} written off`}: ${request.reason}`;
    const principal = writeOffInvoice(invoice, { amountMinor, at: now, note });
    // In full, the open fees and interest go with it.
    const chargesOff = full && charges && charges.balanceMinor > 0 ? writeOffInvoice(charges, { amountMinor: charges.balanceMinor, at: now, note: `written off with ${invoice.number}` }) : null;
    const journals = [journal(`write-off-${invoice.invoiceId}-${count}`, 'InvoiceWrittenOff', now, [...principal.journalLines, ...(chargesOff?.journalLines ?? [])])];
    const escalation = d.escalation ?? null;
    const after: Invoice = {
      ...principal.invoice,
      nextActionDate: full ? undefined : invoice.nextActionDate,
      dunning: {
        ...d,
        block: full ? null : (d.block ?? null),
        blockedUntil: full ? null : d.blockedUntil,
        history: [
          ...d.history,
          entry(deps, {
            level: d.level,
            event: full ? 'written-off' : 'partly-written-off',
            state: full ? 'WrittenOff' : 'PartlyWrittenOff',
            note,
            amountMinor: amountMinor + (chargesOff ? charges!.balanceMinor : 0),
            ...(requestId ? { requestId } : {}),
          }),
        ],
        escalation: full && escalation ? { ...escalation, state: 'ended', endedAs: 'WrittenOff' } : escalation,
        version: (d.version ?? 0) + 1,
      },
    };
    const chargesMinor = chargesOff ? charges!.balanceMinor : 0;
    return {
      posting: {
        description: `write-off of invoice ${invoiceId}`,
        invoices: [{ before: invoice, after }, ...(chargesOff ? [{ before: charges, after: chargesOff.invoice }] : [])],
        journals,
        ...(full ? worklistEntry(invoice, 'remove', now) : {}),
      },
      result: { invoiceId, writtenOff: m(amountMinor + chargesMinor), balance: m(after.balanceMinor), status: after.status, escalationEnded: full },
    };
  });
}

/** `GET /dunning/policies`: the built-in policies overlaid with the stored ones. */
export async function listPolicies(deps: Pick<DunningDeps, 'store'>) {
  const policies = effectivePolicies(await deps.store.listPolicies());
  return { items: [...policies.values()].sort((a, b) => a.policyId.localeCompare(b.policyId)).map(policyView) };
}

/** `PUT /dunning/policies/{policyId}`: validates (naming each field) and stores the policy. */
export async function putPolicy(deps: Pick<DunningDeps, 'store' | 'clock'>, policyId: string, body: unknown) {
  const policy = policyFromRequest(policyId, body, deps.clock.now());
  await deps.store.putPolicy(policy);
  return policyView(policy);
}

/**
 * `GET /collections/worklist`: the invoices handed to collectors, with broken promises and disputes
 * marked. With payment predictions, ranked by expected value at stake (outstanding amount x the
 * probability of being paid more than 30 days after due, see `rankByValueAtStake`); without, most
 * days past due first (then the larger amount).
 */
export async function collectionsWorklist(deps: Pick<DunningDeps, 'store' | 'clock' | 'settings'> & { predictions?: Pick<PredictionStore, 'predictions'> }) {
  const ids = await deps.store.worklist();
  const invoices = await deps.store.invoices(ids);
  const chargesIds = [...invoices.values()].map((i) => i.dunning.chargesInvoiceId).filter((id): id is string => !!id);
  const charges = chargesIds.length ? await deps.store.invoices(chargesIds) : new Map<string, Invoice>();
  const asOf = calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone);
  const rows = [...invoices.values()]
    .filter((i) => i.balanceMinor + (charges.get(i.dunning.chargesInvoiceId ?? '')?.balanceMinor ?? 0) > 0 && i.status !== 'WRITTEN_OFF')
    .map((i) => {
      const chargesMinor = charges.get(i.dunning.chargesInvoiceId ?? '')?.balanceMinor ?? 0;
      const m = (minor: number) => formatAmount(money(minor, i.currency));
      return {
        invoiceId: i.invoiceId,
        number: i.number,
        customerId: i.customerId,
        customerName: i.customerName,
        currency: i.currency,
        balance: m(i.balanceMinor),
        charges: m(chargesMinor),
        outstanding: m(i.balanceMinor + chargesMinor),
        outstandingMinor: i.balanceMinor + chargesMinor,
        dueDate: i.dueDate,
        daysPastDue: calendarDaysBetween(i.dueDate, asOf),
        level: i.dunning.level,
        handedToCollectorAt: i.dunning.handedToCollectorAt ?? null,
        brokenPromise: (i.dunning.promises ?? []).some((p) => p.status === 'broken'),
        disputed: (i.dunning.disputes ?? []).length > 0,
        openDispute: (i.dunning.disputes ?? []).some((x) => x.status === 'open'),
      };
    })
    .sort((a, b) => b.daysPastDue - a.daysPastDue || b.outstandingMinor - a.outstandingMinor || a.number.localeCompare(b.number));
  if (deps.predictions) {
    const predictions = await deps.predictions.predictions(rows.map((r) => r.invoiceId));
    const ranked = rankByValueAtStake(rows.map((r) => ({ ...r, openMinor: r.outstandingMinor })), predictions, asOf);
    return {
      asOf,
      rankedBy: 'value at stake' as const,
      items: ranked.map(({ item: { outstandingMinor: _o, openMinor: _m, ...row }, valueAtStakeMinor, probabilityLongDelay }, index) => ({
        rank: index + 1,
        ...row,
        valueAtStake: formatAmount(money(valueAtStakeMinor, row.currency)),
        probabilityLongDelay,
        prediction: predictions.has(row.invoiceId) ? predictionView(predictions.get(row.invoiceId)!) : null,
      })),
    };
  }
  return { asOf, items: rows.map(({ outstandingMinor: _o, ...row }, index) => ({ rank: index + 1, ...row })) };
}

/**
 * The invoice was settled (its settlement execution calls this after a payment, credit or
 * write-off brought the balance to zero): if its escalation is still open and nothing is left to
 * collect, fees and interest included, the escalation ends `Settled` now rather than at the next
 * run that would have looked at the item. Otherwise nothing happens (the run decides later).
 */
export async function settleEscalation(deps: Pick<DunningDeps, 'store' | 'postings' | 'workflow' | 'clock'>, invoiceId: string): Promise<{ ended: boolean }> {
  const ended = await retryOnConflict(async () => {
    const invoice = (await deps.store.invoices([invoiceId])).get(invoiceId);
    if (!invoice || invoice.chargesOf) return false;
    const d = invoice.dunning;
    const chargesId = d.chargesInvoiceId;
    const charges = chargesId ? ((await deps.store.invoices([chargesId])).get(chargesId) ?? null) : null;
    const escalation = d.escalation ?? null;
    if (escalation?.state !== 'active' || invoice.balanceMinor > 0 || (charges?.balanceMinor ?? 0) > 0) return false;
    const written = invoice.status === 'WRITTEN_OFF';
    const after: Invoice = {
      ...invoice,
      nextActionDate: undefined,
      dunning: {
        ...d,
        history: [
          ...d.history,
          { level: d.level, at: deps.clock.now().toISOString(), channel: 'none', messageId: null, event: written ? 'written-off' : 'settled', state: written ? 'WrittenOff' : 'Settled', note: written ? 'written off' : 'paid in full' },
        ],
        escalation: { ...escalation, state: 'ended', endedAs: written ? 'WrittenOff' : 'Settled' },
        block: null,
        blockedUntil: null,
        promises: (d.promises ?? []).map((p) => (p.status === 'open' ? { ...p, status: 'kept' as const, closedAt: deps.clock.now().toISOString() } : p)),
        version: (d.version ?? 0) + 1,
      },
    };
    await deps.postings.post({ description: `end of the escalation of invoice ${invoiceId}`, invoices: [{ before: invoice, after }], journals: [], ...worklistEntry(invoice, 'remove', deps.clock.now().toISOString()) });
    return true;
  }, { attempts: 5 });
  if (ended) await deliverPending(deps, invoiceId);
  return { ended };
}
