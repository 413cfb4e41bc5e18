/**
 * The dunning run with in-memory ports: levels, spacing, letters per customer, blocks, promises,
 * disputes, fees and interest in the ledger, idempotent re-runs and SES failures, the escalation's
 * states, and the collectors' worklist.
 */
import { describe, expect, it } from 'vitest';
import { runDunning, getRun, type DunningDeps } from '../../../lambdas/core/dunning/run-dunning';
import { awaitEscalationEvent, escalationNameFor } from '../../../lambdas/core/dunning/escalation';
import { blockDunning, collectionsWorklist, openDispute, recordPromise, resolveDispute, writeOff } from '../../../lambdas/core/dunning/actions';
import { recordBounce } from '../../../lambdas/core/dunning/bounces';
import { journal } from '../../../lambdas/core/ledger/ledger';
import { money } from '../../../lambdas/core/money/money';
import { addCalendarDays } from '../../../lambdas/core/time/clock';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import { InMemoryDunningStore, InMemoryEscalations, ManualClock, RecordingMailer } from '../../support/in-memory-dunning';
import { FINANCE, SHOP, aCustomer, anInvoice } from '../../support/builders';

const seller = { name: 'Example Trading GmbH', address: ['Musterstrasse 1', '10115 Berlin'], iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', vatId: 'DE123456789' };
const DUE = '2026-04-01';

function setup() {
  const store = new InMemoryDunningStore();
  const workflow = new InMemoryEscalations();
  const mailer = new RecordingMailer();
  const clock = new ManualClock(new Date('2026-04-01T10:00:00Z'));
  let ids = 0;
  const deps: DunningDeps = { store, postings: store.postings, workflow, mailer, clock, newId: () => `id${++ids}`, settings: { businessTimeZone: 'Europe/Berlin', seller } };
  workflow.awaitStep = (input) => awaitEscalationEvent({ store, workflow }, input);
  /** The run of `date` at 06:00 Berlin (04:00Z in summer). */
  const runOn = (date: string, options: { dryRun?: boolean } = {}) => {
    clock.set(`${date}T04:00:00Z`);
    return runDunning(deps, { trigger: 'schedule', ...options });
  };
  /** Every daily run from `from` to `to`. */
  const runDaily = async (from: string, to: string) => {
    const reports = [];
    for (let d = from; d <= to; d = addCalendarDays(d, 1)) reports.push(await runOn(d));
    return reports;
  };
  const invoice = (n: number, overrides: Partial<Invoice> = {}) => {
    const inv = anInvoice({ sequence: n, invoiceId: `I-${n}`, dueDate: DUE, nextActionDate: addCalendarDays(overrides.dueDate ?? DUE, 1), status: 'OVERDUE', overdueSince: '2026-04-01T22:00:00.000Z', ...overrides });
    store.seedInvoice(inv);
    // The invoice's own posting, so that the ledger can be checked against the open items.
    store.journals.set(`invoice-${inv.invoiceId}`, journal(`invoice-${inv.invoiceId}`, 'InvoiceIssued', inv.issuedAt, [
      { account: 'receivables', side: 'debit', amount: money(inv.totalMinor, inv.currency), reference: inv.invoiceId },
      { account: 'revenue', side: 'credit', amount: money(inv.totalMinor, inv.currency), reference: inv.invoiceId },
    ]));
    return inv;
  };
  const pay = (invoiceId: string, amountMinor: number, at: string) => {
    store.pay(invoiceId, amountMinor, at);
    store.journals.set(`pay-${invoiceId}-${at}`, journal(`pay-${invoiceId}-${at}`, 'PaymentReceived', at, [
      { account: 'cash', side: 'debit', amount: money(amountMinor, 'EUR'), reference: 'p' },
      { account: 'receivables', side: 'credit', amount: money(amountMinor, 'EUR'), reference: invoiceId },
    ]));
  };
  /** Receivables control equals the open items (invoices and charges items). */
  const balanced = (currency = 'EUR') => {
    const open = [...store.invoicesById.values()].filter((i) => i.currency === currency).reduce((a, i) => a + i.balanceMinor, 0);
    return store.receivables(currency) === open;
  };
  const lettersTo = (email: string) => mailer.sent.filter((m) => m.to === email);
  return { store, workflow, mailer, clock, deps, runOn, runDaily, invoice, pay, balanced, lettersTo };
}

describe('levels and spacing under the default policy', () => {
  it('sends level 1 at 3 days past due, level 2 at 17, final notice at 31, hands over at 45, each reminder one letter', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    await t.runDaily('2026-04-02', '2026-05-20');
    const levels = t.store.invoice('I-1').dunning.history.filter((h) => h.event === 'reminder' || h.event === 'handed-to-collector').map((h) => [h.level, h.at.slice(0, 10)]);
    expect(levels).toEqual([
      [1, '2026-04-04'],
      [2, '2026-04-18'],
      [3, '2026-05-02'],
      [4, '2026-05-16'],
    ]);
    expect(t.mailer.sent.map((m) => m.subject)).toEqual(['Payment reminder: INV-2026-000001', 'Second payment reminder: INV-2026-000001', 'Final notice before collection: INV-2026-000001']);
    expect(await t.store.worklist()).toEqual(['I-1']);
    expect(t.workflow.executions.get(escalationNameFor('I-1'))?.states).toEqual(['EscalationStarted', 'ReminderLevel1Sent', 'ReminderLevel2Sent', 'FinalNoticeSent', 'HandedToCollector']);
    const worklist = await collectionsWorklist(t.deps);
    expect(worklist.items).toMatchObject([{ rank: 1, invoiceId: 'I-1', level: 4, outstanding: '100.00', brokenPromise: false, disputed: false }]);
  });

  it('moves up at most one level per run and waits 7 days after the previous reminder', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    // First seen 40 days past due (e.g. imported): level 1 only, then level 2 seven days later.
    t.invoice(1, { nextActionDate: '2026-05-11' });
    const first = await t.runOn('2026-05-11');
    expect(first.items).toMatchObject([{ invoiceId: 'I-1', fromLevel: 0, level: 1, outcome: 'escalated' }]);
    expect(t.store.invoice('I-1').nextActionDate).toBe('2026-05-18');
    const early = await t.runOn('2026-05-12');
    expect(early.counts.itemsFound).toBe(0);
    await t.runDaily('2026-05-13', '2026-05-18');
    expect(t.store.invoice('I-1').dunning.level).toBe(2);
  });

  it('skips with the reason: within grace, below the minimum, paid', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    t.invoice(2, { totalMinor: 400, balanceMinor: 400 });
    t.invoice(3);
    t.pay('I-3', 10_000, '2026-04-01T12:00:00Z');
    const report = await t.runOn('2026-04-02');
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ invoiceId: 'I-1', reason: 'within-grace' }),
        expect.objectContaining({ invoiceId: 'I-2', reason: 'below-minimum' }),
        expect.objectContaining({ invoiceId: 'I-3', reason: 'paid' }),
      ]),
    );
    expect(t.store.invoice('I-3').nextActionDate).toBeUndefined();
    expect(t.store.invoice('I-1').nextActionDate).toBe('2026-04-04');
    expect(t.mailer.sent).toHaveLength(0);
  });
});

describe('one letter per customer per run', () => {
  it('lists every overdue item of the customer at its level, and the other customers get their own', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer({ customerId: 'C-1', email: 'ap@one.example', name: 'Müller & Söhne <GmbH>', locale: 'de' }));
    t.store.seedCustomer(aCustomer({ customerId: 'C-2', email: 'ap@two.example' }));
    t.invoice(1, { customerId: 'C-1', dueDate: '2026-03-20', nextActionDate: '2026-03-21' });
    t.invoice(2, { customerId: 'C-1' });
    t.invoice(3, { customerId: 'C-1' });
    t.invoice(4, { customerId: 'C-2' });
    await t.runOn('2026-03-23'); // I-1 level 1 alone
    expect(t.lettersTo('ap@one.example')).toHaveLength(1);
    const report = await t.runOn('2026-04-04'); // I-2, I-3 level 1; I-1 listed at level 1 (level 2 not before 04-06)
    expect(t.lettersTo('ap@one.example')).toHaveLength(2);
    expect(t.lettersTo('ap@two.example')).toHaveLength(1);
    const letter = t.lettersTo('ap@one.example')[1]!;
    expect(letter.subject).toBe('Zahlungserinnerung: 3 Posten');
    for (const n of ['INV-2026-000001', 'INV-2026-000002', 'INV-2026-000003']) expect(letter.text).toContain(n);
    expect(letter.html).toContain('Müller &amp; Söhne &lt;GmbH&gt;');
    expect(letter.html).not.toContain('<GmbH>');
    expect(letter.text).toContain('100,00');
    expect(report.customersContacted).toMatchObject([
      { customerId: 'C-1', letter: { state: 'SENT' }, items: [{ invoiceId: 'I-1', level: 1, raised: false }, { invoiceId: 'I-2', level: 1, raised: true }, { invoiceId: 'I-3', level: 1, raised: true }] },
      { customerId: 'C-2', letter: { state: 'SENT' }, items: [{ invoiceId: 'I-4', level: 1, raised: true }] },
    ]);
  });
});

describe('what stops, pauses and resumes dunning', () => {
  it('paid in full: the escalation ends Settled and no later run mentions the invoice', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    await t.runDaily('2026-04-02', '2026-04-04');
    t.pay('I-1', 10_000, '2026-04-05T09:00:00Z');
    await t.runDaily('2026-04-05', '2026-04-20');
    const reports = await Promise.all(['2026-04-19', '2026-04-20'].map((d) => getRun(t.deps, `run-${d}`)));
    expect(reports.every((r) => r!.items.length === 0 && r!.skipped.length === 0)).toBe(true);
    expect(t.workflow.executions.get(escalationNameFor('I-1'))).toMatchObject({ ended: true, states: ['EscalationStarted', 'ReminderLevel1Sent', 'Settled'] });
    expect(t.store.invoice('I-1').nextActionDate).toBeUndefined();
    expect(t.mailer.sent).toHaveLength(1);
  });

  it('partly paid: the rest is dunned at the same level, until it falls under the minimum', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    await t.runDaily('2026-04-02', '2026-04-04');
    t.pay('I-1', 6_000, '2026-04-10T09:00:00Z');
    await t.runDaily('2026-04-05', '2026-04-18');
    const inv = t.store.invoice('I-1');
    expect(inv.dunning.level).toBe(2);
    expect(t.mailer.sent.at(-1)!.text).toContain('40.00');
    t.pay('I-1', 3_600, '2026-04-20T09:00:00Z');
    const later = await t.runDaily('2026-04-19', '2026-05-10');
    expect(later.flatMap((r) => r.skipped).find((s) => s.invoiceId === 'I-1')).toMatchObject({ reason: 'below-minimum' });
    expect(t.mailer.sent).toHaveLength(2);
  });

  it('a dispute blocks from the next run; rejecting it resumes at the level it had', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    await t.runDaily('2026-04-02', '2026-04-04');
    t.clock.set('2026-04-08T10:00:00Z');
    const { disputeId } = await openDispute(t.deps, SHOP, 'I-1', { reason: 'two chairs arrived broken' });
    expect(t.store.invoice('I-1').status).toBe('DISPUTED');
    expect(t.store.invoice('I-1').nextActionDate).toBeUndefined();
    await t.runDaily('2026-04-09', '2026-04-30');
    expect(t.mailer.sent).toHaveLength(1);
    t.clock.set('2026-04-30T10:00:00Z');
    await resolveDispute(t.deps, 'I-1', disputeId, { outcome: 'reject', reason: 'delivery note signed without remarks' });
    expect(t.store.invoice('I-1')).toMatchObject({ status: 'OVERDUE', nextActionDate: '2026-04-30', dunning: { level: 1, block: null } });
    const next = await t.runOn('2026-05-01');
    expect(next.items).toMatchObject([{ invoiceId: 'I-1', fromLevel: 1, level: 2 }]);
    expect(t.workflow.executions.get(escalationNameFor('I-1'))?.states).toEqual(['EscalationStarted', 'ReminderLevel1Sent', 'BlockedByDispute', 'DunningResumed', 'ReminderLevel2Sent']);
  });

  it('a dispute credited posts a credit note that reduces the balance, with balanced ledger entries', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1, { netTotalMinor: 8_403, taxTotalMinor: 1_597, totalMinor: 10_000, balanceMinor: 10_000 });
    t.clock.set('2026-04-03T10:00:00Z');
    const { disputeId } = await openDispute(t.deps, SHOP, 'I-1', { reason: 'one chair missing', amount: '30.00' });
    await resolveDispute(t.deps, 'I-1', disputeId, { outcome: 'credit', reason: 'chair missing confirmed', creditAmount: '30.00' });
    const inv = t.store.invoice('I-1');
    expect(inv).toMatchObject({ balanceMinor: 7_000, status: 'OVERDUE' });
    const credit = [...t.store.journals.values()].find((j) => j.event === 'CreditNoteIssued')!;
    expect(credit.lines.map((l) => [l.account, l.side, l.amount.minor])).toEqual([
      ['revenue', 'debit', 2_521],
      ['tax-payable', 'debit', 479],
      ['receivables', 'credit', 3_000],
    ]);
    expect(t.balanced()).toBe(true);
  });

  it('a dispute credited with credit notes at hand issues a credit note (own number, type 381 data) through the same journal', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1, {
      lines: [{ lineNo: 1, sku: 'CHAIR', quantity: 1, unitPriceMinor: 8_403, amountMinor: 8_403, taxRatePercent: '19', taxMinor: 1_597, grossMinor: 10_000, vatCategory: 'S' }],
      netTotalMinor: 8_403,
      taxTotalMinor: 1_597,
      totalMinor: 10_000,
      balanceMinor: 10_000,
      vatBreakdown: [{ vatCategory: 'S', ratePercent: '19', netMinor: 8_403, taxMinor: 1_597, exemptionReason: null, exemptionCode: null }],
    });
    t.clock.set('2026-04-03T10:00:00Z');
    const deps = { ...t.deps, creditNotes: t.store.creditNoteReader() };
    const { disputeId } = await openDispute(deps, SHOP, 'I-1', { reason: 'one chair missing', amount: '30.00' });
    const result = await resolveDispute(deps, 'I-1', disputeId, { outcome: 'credit', reason: 'chair missing confirmed', creditAmount: '30.00' });
    // 30.00 gross at 19 %: 25.21 net + 4.79 VAT (4.7899 rounds to 4.79).
    expect(result).toMatchObject({ creditNoteId: `I-1-${disputeId}`, creditNoteNumber: 'CN-2026-000001', balance: '70.00' });
    expect(t.store.creditNotes.get(`I-1-${disputeId}`)).toMatchObject({ totalMinor: 3_000, netTotalMinor: 2_521, taxTotalMinor: 479, reason: `dispute ${disputeId}: chair missing confirmed` });
    const credit = t.store.journals.get(`credit-note-I-1-${disputeId}`)!;
    expect(credit.lines.map((l) => [l.account, l.side, l.amount.minor])).toEqual([
      ['revenue', 'debit', 2_521],
      ['tax-payable', 'debit', 479],
      ['receivables', 'credit', 3_000],
    ]);
    expect(t.balanced()).toBe(true);
  });

  it('a broken promise goes up one level at the next run after its date, regardless of spacing, and the history says so', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    await t.runDaily('2026-04-02', '2026-04-18'); // level 1 on 04-04, level 2 on 04-18
    t.clock.set('2026-04-19T10:00:00Z');
    await recordPromise(t.deps, 'I-1', { amount: '100.00', promisedDate: '2026-04-22' });
    const during = await t.runDaily('2026-04-19', '2026-04-22');
    // Blocked until the promised date: its next action date is the day after, no run before reads it.
    expect(during.flatMap((r) => [...r.items, ...r.skipped]).filter((s) => s.invoiceId === 'I-1')).toEqual([]);
    expect(t.store.invoice('I-1')).toMatchObject({ nextActionDate: '2026-04-23', dunning: { blockedUntil: '2026-04-22', block: { kind: 'promise' } } });
    const after = await t.runOn('2026-04-23'); // 5 days after level 2: spacing would forbid, the broken promise does not
    expect(after.items).toMatchObject([{ invoiceId: 'I-1', fromLevel: 2, level: 3, detail: expect.stringContaining('broken') }]);
    const inv = t.store.invoice('I-1');
    expect(inv.dunning.history.map((h) => h.event)).toEqual(['reminder', 'reminder', 'blocked', 'promise-broken', 'reminder']);
    expect(inv.dunning.promises).toMatchObject([{ status: 'broken' }]);
    await t.runDaily('2026-04-24', '2026-05-16');
    const worklist = await collectionsWorklist(t.deps);
    expect(worklist.items).toMatchObject([{ invoiceId: 'I-1', brokenPromise: true }]);
    expect(t.workflow.executions.get(escalationNameFor('I-1'))?.states).toEqual([
      'EscalationStarted', 'ReminderLevel1Sent', 'ReminderLevel2Sent', 'BlockedByPromise', 'PromiseBroken', 'FinalNoticeSent', 'HandedToCollector',
    ]);
  });

  it('a kept promise: paid by the date, the escalation ends', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    await t.runDaily('2026-04-02', '2026-04-05');
    t.clock.set('2026-04-05T10:00:00Z');
    await recordPromise(t.deps, 'I-1', { amount: '100.00', promisedDate: '2026-04-12' });
    t.pay('I-1', 10_000, '2026-04-11T09:00:00Z');
    await t.runDaily('2026-04-06', '2026-04-20');
    expect(t.workflow.executions.get(escalationNameFor('I-1'))).toMatchObject({ ended: true, states: ['EscalationStarted', 'ReminderLevel1Sent', 'BlockedByPromise', 'Settled'] });
    expect(t.store.invoice('I-1').dunning.promises).toMatchObject([{ status: 'kept' }]);
    expect(t.mailer.sent).toHaveLength(1);
  });

  it('a promise kept before any reminder: paid by the date, the block and the promise close, no letter ever', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    t.clock.set('2026-04-02T10:00:00Z');
    await recordPromise(t.deps, 'I-1', { amount: '100.00', promisedDate: '2026-04-08' });
    t.pay('I-1', 10_000, '2026-04-07T09:00:00Z');
    await t.runDaily('2026-04-02', '2026-04-30');
    expect(t.store.invoice('I-1').dunning).toMatchObject({ block: null, blockedUntil: null, promises: [{ status: 'kept' }] });
    expect(t.store.invoice('I-1').nextActionDate).toBeUndefined();
    expect(t.mailer.sent).toHaveLength(0);
  });

  it('a manual block holds reminders until its end date', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    t.clock.set('2026-04-02T10:00:00Z');
    await blockDunning(t.deps, 'I-1', { reason: 'customer in insolvency talks', until: '2026-04-10' });
    const during = await t.runDaily('2026-04-02', '2026-04-10');
    expect(during.flatMap((r) => r.items)).toEqual([]);
    const after = await t.runOn('2026-04-11');
    expect(after.items).toMatchObject([{ invoiceId: 'I-1', level: 1 }]);
  });

  it('write-off ends the escalation WrittenOff and posts bad debt against receivables', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    await t.runDaily('2026-04-02', '2026-04-04');
    t.clock.set('2026-04-06T10:00:00Z');
    const result = await writeOff(t.deps, 'I-1', { reason: 'customer insolvent' });
    expect(result).toMatchObject({ writtenOff: '100.00', balance: '0.00', status: 'WRITTEN_OFF', escalationEnded: true });
    expect(t.workflow.executions.get(escalationNameFor('I-1'))).toMatchObject({ ended: true, states: ['EscalationStarted', 'ReminderLevel1Sent', 'WrittenOff'] });
    expect(t.balanced()).toBe(true);
    await t.runDaily('2026-04-07', '2026-04-30');
    expect(t.mailer.sent).toHaveLength(1);
  });
});

describe('a retry of a request whose first attempt was written (its Idempotency-Key gives the same request id)', () => {
  it('writes a part off once: the retry answers as the first attempt and posts nothing more', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    const first = await writeOff(t.deps, 'I-1', { reason: 'goodwill', amount: '10.00' }, 'request-1');
    const journals = t.store.journals.size;

    const retry = await writeOff(t.deps, 'I-1', { reason: 'goodwill', amount: '10.00' }, 'request-1');

    expect(first).toMatchObject({ writtenOff: '10.00', balance: '90.00' });
    expect(retry).toEqual(first);
    expect(t.store.journals.size).toBe(journals);
    expect(t.store.invoice('I-1').balanceMinor).toBe(9_000);
    expect(t.balanced()).toBe(true);
  });

  it('writes off in full once: the retry answers as the first attempt instead of 409', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    const first = await writeOff(t.deps, 'I-1', { reason: 'insolvent' }, 'request-2');
    const retry = await writeOff(t.deps, 'I-1', { reason: 'insolvent' }, 'request-2');
    expect(retry).toEqual(first);
    const other = await writeOff(t.deps, 'I-1', { reason: 'insolvent' }, 'request-3').catch((e: unknown) => e);
    expect((other as { code?: string }).code).toBe('NOT_OPEN');
  });

  it('credits a dispute once: the retry answers as the first attempt', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    const { disputeId } = await openDispute(t.deps, FINANCE, 'I-1', { reason: 'damaged' });
    const first = await resolveDispute(t.deps, 'I-1', disputeId, { outcome: 'credit', reason: 'damaged', creditAmount: '20.00' }, 'request-4');
    const retry = await resolveDispute(t.deps, 'I-1', disputeId, { outcome: 'credit', reason: 'damaged', creditAmount: '20.00' }, 'request-4');
    expect(retry).toEqual(first);
    expect(t.store.invoice('I-1').balanceMinor).toBe(8_000);
    expect([...t.store.journals.keys()].filter((id) => id.startsWith('credit-note-'))).toHaveLength(1);
  });
});

describe('fees and interest', () => {
  it('EU policy: 40 EUR compensation with the first reminder and interest to date, as an open item that stays collectable after the principal is paid', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer({ dunningPolicyId: 'eu-late-payment' }));
    t.invoice(1, { totalMinor: 1_000_000, balanceMinor: 1_000_000, dueDate: '2025-07-01', nextActionDate: '2025-07-02', issueDate: '2025-06-01' });
    await t.runDaily('2025-07-02', '2025-07-04');
    const inv = t.store.invoice('I-1');
    // 3 days at 10.15 % (ECB 2.15 on 1 July 2025 + 8): 1,000,000 * 0.1015 * 3 / 365 = 834.2 -> 834.
    expect(inv.dunning).toMatchObject({ level: 1, compensationPostedMinor: 4000, interestPostedMinor: 834, chargesInvoiceId: 'I-1-C' });
    expect(t.store.invoice('I-1-C')).toMatchObject({ number: 'INV-2026-000001-C', balanceMinor: 4834, status: 'OPEN', chargesOf: 'I-1' });
    expect(t.mailer.sent[0]!.text).toContain('40.00');
    expect(t.mailer.sent[0]!.text).toContain('8.34');
    expect(t.balanced()).toBe(true);

    t.pay('I-1', 1_000_000, '2025-07-10T09:00:00Z');
    await t.runDaily('2025-07-05', '2025-07-18');
    // The principal is paid; the fees and interest are still open and dunned.
    expect(t.store.invoice('I-1-C').balanceMinor).toBeGreaterThanOrEqual(4834);
    expect(t.store.invoice('I-1').dunning.level).toBe(2);
    expect(t.mailer.sent).toHaveLength(2);
    expect(t.balanced()).toBe(true);
  });

  it('never applies the statutory policy to a consumer', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer({ dunningPolicyId: 'eu-late-payment', isConsumer: true }));
    t.invoice(1);
    await t.runDaily('2026-04-02', '2026-04-04');
    expect(t.store.invoice('I-1').dunning).toMatchObject({ level: 1, compensationPostedMinor: 0, interestPostedMinor: 0 });
    expect(t.store.invoicesById.has('I-1-C')).toBe(false);
  });
});

describe('failure and retries', () => {
  it('a run that fails halfway is run again for the same day without a second letter to anyone', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer({ customerId: 'C-1', email: 'a@one.example' }));
    t.store.seedCustomer(aCustomer({ customerId: 'C-2', email: 'b@two.example' }));
    t.invoice(1, { customerId: 'C-1' });
    t.invoice(2, { customerId: 'C-2' });
    t.store.failFinishRun = true;
    await expect(t.runOn('2026-04-04')).rejects.toThrow(/failed before it finished/);
    expect(t.mailer.sent).toHaveLength(2);
    t.store.failFinishRun = false;
    const again = await t.runOn('2026-04-04');
    expect(again.status).toBe('COMPLETED');
    expect(t.mailer.sent).toHaveLength(2);
    expect(t.store.invoice('I-1').dunning.level).toBe(1);
  });

  it('a letter whose items were not recorded yet is not sent again: the items are recorded from the SENT letter', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    t.store.conflictOnce.add('I-1');
    t.store.conflictOnce.add('I-1');
    await t.runOn('2026-04-04');
    // The first attempt sent the letter; recording the level retried after a conflict.
    expect(t.store.invoice('I-1').dunning.level).toBe(1);
    await t.runOn('2026-04-04');
    expect(t.mailer.sent).toHaveLength(1);
  });

  it('an SES error is recorded on the item and retried, never dropped', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    t.mailer.failures = 1;
    const failed = await t.runOn('2026-04-04');
    expect(failed.items).toMatchObject([{ invoiceId: 'I-1', outcome: 'send-failed', detail: 'Throttling: Daily message quota exceeded' }]);
    expect(failed.customersContacted).toMatchObject([{ letter: { state: 'FAILED' } }]);
    expect(t.store.invoice('I-1')).toMatchObject({ nextActionDate: '2026-04-04', dunning: { level: 0, lastError: { message: 'Throttling: Daily message quota exceeded' } } });
    const retried = await t.runOn('2026-04-04');
    expect(retried.items).toMatchObject([{ invoiceId: 'I-1', outcome: 'escalated', level: 1 }]);
    expect(retried.customersContacted).toMatchObject([{ letter: { state: 'SENT', attempts: 2 } }]);
    expect(t.mailer.sent).toHaveLength(1);
    expect(t.store.invoice('I-1').dunning.lastError).toBeNull();
  });

  it('an SES error left for the next day is retried by the next run', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    t.mailer.failures = 1;
    await t.runOn('2026-04-04');
    await t.runOn('2026-04-05');
    expect(t.mailer.sent).toHaveLength(1);
    expect(t.store.invoice('I-1').dunning.level).toBe(1);
  });

  it('a bounced letter is recorded on the letter and the item, and sent again by the next run at the same level', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    await t.runOn('2026-04-04');
    t.clock.set('2026-04-04T09:00:00Z');
    const bounced = await recordBounce(t.deps, { messageId: 'msg-1', bounceType: 'Transient', detail: 'mailbox full' });
    expect(bounced).toEqual({ found: true, items: ['I-1'] });
    expect(t.store.invoice('I-1')).toMatchObject({
      nextActionDate: '2026-04-04',
      dunning: { level: 1, undelivered: { messageId: 'msg-1', bounces: 1 }, lastError: { message: expect.stringContaining('bounced (Transient: mailbox full)') } },
    });
    expect((await getRun(t.deps, 'run-2026-04-04'))!.customersContacted).toMatchObject([{ letter: { state: 'BOUNCED', error: 'Transient: mailbox full' } }]);
    const again = await t.runOn('2026-04-05');
    expect(again.items).toMatchObject([{ invoiceId: 'I-1', fromLevel: 1, level: 1, detail: expect.stringContaining('sent again') }]);
    expect(t.mailer.sent.map((m) => m.subject)).toEqual(['Payment reminder: INV-2026-000001', 'Payment reminder: INV-2026-000001']);
    const inv = t.store.invoice('I-1');
    expect(inv.dunning).toMatchObject({ level: 1, lastReminderDate: '2026-04-04', lastError: null, undelivered: { resent: true } });
    expect(inv.nextActionDate).toBe('2026-04-18');
    // Nothing more for the escalation: the resent letter moves it nowhere.
    expect(t.workflow.executions.get(escalationNameFor('I-1'))?.states).toEqual(['EscalationStarted', 'ReminderLevel1Sent']);
    // The same bounce reported twice changes nothing.
    expect((await recordBounce(t.deps, { messageId: 'msg-1', bounceType: 'Transient', detail: 'mailbox full' })).items).toEqual([]);
    expect(await recordBounce(t.deps, { messageId: 'unknown', bounceType: 'Permanent', detail: 'x' })).toEqual({ found: false, items: [] });
  });

  it('a letter bouncing again and again is not sent again by itself, and the item says why', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    await t.runOn('2026-04-04');
    for (let day = 5; day <= 8; day++) {
      await recordBounce(t.deps, { messageId: t.mailer.sent.at(-1)!.messageId, bounceType: 'Permanent', detail: 'no such user' });
      await t.runOn(`2026-04-0${day}`);
    }
    expect(t.mailer.sent).toHaveLength(4);
    expect(t.store.invoice('I-1').dunning.lastError?.message).toMatch(/4 bounces: not sent again until the customer's email address is checked/);
  });

  it('a dry run reports what it would do and sends and changes nothing', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    t.invoice(1);
    const before = t.store.invoice('I-1');
    const dry = await t.runOn('2026-04-04', { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, items: [{ invoiceId: 'I-1', level: 1, outcome: 'escalated' }], customersContacted: [{ letter: { state: 'DRY_RUN' } }] });
    expect(t.mailer.sent).toHaveLength(0);
    expect(t.store.invoice('I-1')).toEqual(before);
    expect(await t.store.lastCompletedRunDate()).toBeNull();
  });
});

describe('finding items through the next action date', () => {
  it('reads only the items due on the days since the last run, not the whole table', async () => {
    const t = setup();
    t.store.seedCustomer(aCustomer());
    for (let n = 1; n <= 200; n++) t.invoice(n, { dueDate: '2026-06-01', nextActionDate: '2026-06-02' });
    t.invoice(500);
    await t.runOn('2026-04-02');
    t.store.reads.indexItems = 0;
    t.store.reads.itemReads = 0;
    await t.runOn('2026-04-04');
    expect(t.store.reads.indexItems).toBe(1);
    expect(t.store.reads.itemReads).toBeLessThan(10);
  });
});
