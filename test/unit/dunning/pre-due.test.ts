/**
 * Reminders before the due date (pre-due levels): the policy's validation, and the daily run with
 * in-memory ports: when they go out, when not (paid, blocked, direct debit), once per invoice and
 * level, in the customer's one letter of the run, in its language, and never as a dunning level.
 */
import { describe, expect, it } from 'vitest';
import { runDunning, type DunningDeps } from '../../../lambdas/core/dunning/run-dunning';
import { awaitEscalationEvent } from '../../../lambdas/core/dunning/escalation';
import { openDispute, recordPromise } from '../../../lambdas/core/dunning/actions';
import { policyFromRequest, policyView } from '../../../lambdas/core/dunning/policy';
import { decidePreDue } from '../../../lambdas/core/dunning/pre-due';
import { ValidationError } from '../../../lambdas/core/errors';
import { addCalendarDays } from '../../../lambdas/core/time/clock';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import type { Mandate } from '../../../lambdas/core/sepa/mandate';
import { InMemoryDunningStore, InMemoryEscalations, ManualClock, RecordingMailer } from '../../support/in-memory-dunning';
import { FINANCE, aCustomer, anInvoice } from '../../support/builders';

const seller = { name: 'Example Trading GmbH', address: ['Musterstrasse 1', '10115 Berlin'], iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', vatId: 'DE123456789' };
const DUE = '2026-04-10';
const NOW = new Date('2026-03-01T00:00:00Z');

const level = (n: number, days: number, template: string, extra: Record<string, unknown> = {}) => ({ level: n, name: days < 0 ? `${-days} days before` : `Level ${n}`, daysPastDue: days, minDaysSincePrevious: 0, template, ...extra });
const PRE_DUE_POLICY = {
  name: 'With reminders before the due date',
  graceDays: 3,
  levels: [level(0, -7, 'due-soon'), level(0, -3, 'due-soon'), level(1, 3, 'friendly-reminder', { fees: { EUR: '5.00' } }), level(2, 17, 'firm-reminder')],
  minimumAmounts: { EUR: '5.00' },
};

function problemsOf(body: unknown): { field: string; problem: string }[] {
  try {
    policyFromRequest('p', body, NOW);
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('policy validation of levels before the due date', () => {
  it('accepts leading levels with negative days (level 0, due-soon, no fee) and keeps them apart from the dunning levels', () => {
    const policy = policyFromRequest('soon', PRE_DUE_POLICY, NOW);
    expect(policy.preDueLevels?.map((l) => [l.level, l.daysPastDue, l.template])).toEqual([
      [0, -7, 'due-soon'],
      [0, -3, 'due-soon'],
    ]);
    expect(policy.levels.map((l) => [l.level, l.daysPastDue])).toEqual([
      [1, 3],
      [2, 17],
    ]);
    // The view gives back what PUT accepts.
    const view = policyView(policy);
    expect(view.levels.map((l) => l.daysPastDue)).toEqual([-7, -3, 3, 17]);
    const { policyId: _id, builtIn: _b, updatedAt: _u, ...again } = view;
    expect(policyFromRequest('soon', again, NOW)).toEqual(policy);
  });

  it('refuses negative days on anything but a fee-free due-soon letter level numbered 0, before every other level, in order', () => {
    const withLevels = (levels: unknown[]) => ({ ...PRE_DUE_POLICY, levels });
    const after = level(1, 3, 'friendly-reminder');
    expect(problemsOf(withLevels([level(0, -3, 'due-soon', { fees: { EUR: '2.50' } }), after]))).toContainEqual({ field: 'levels[0].fees', problem: 'must be empty: no fee before the due date' });
    expect(problemsOf(withLevels([level(1, -3, 'friendly-reminder'), level(2, 3, 'friendly-reminder')]))).toEqual([
      { field: 'levels[0].daysPastDue', problem: 'must not be negative for a dunning level: only a level 0 (template due-soon) reminds before the due date' },
      { field: 'levels[0].daysPastDue', problem: 'must be at least graceDays (3)' },
    ]);
    expect(problemsOf(withLevels([level(0, -3, 'friendly-reminder'), after]))).toContainEqual({ field: 'levels[0].template', problem: 'must be due-soon for a level before the due date' });
    expect(problemsOf(withLevels([level(0, -3, 'none', { action: 'collector' }), after]))).toContainEqual({ field: 'levels[0].action', problem: 'must be letter: a level before the due date only reminds' });
    expect(problemsOf(withLevels([after, level(0, -3, 'due-soon')]))).toContainEqual({ field: 'levels[1].daysPastDue', problem: 'a level before the due date (negative days) must come before every level after it' });
    expect(problemsOf(withLevels([level(0, -3, 'due-soon'), level(0, -7, 'due-soon'), after]))).toContainEqual({ field: 'levels[1].daysPastDue', problem: 'must be more than -3, the days of the level before: levels must be in order' });
    expect(problemsOf(withLevels([level(0, -3, 'due-soon')]))).toContainEqual({ field: 'levels', problem: 'must have at least one level on or after the due date' });
    expect(problemsOf(withLevels([level(0, -3, 'due-soon'), level(1, 3, 'due-soon')]))).toContainEqual({ field: 'levels[1].template', problem: 'due-soon is only for a level before the due date (negative days)' });
    expect(problemsOf(withLevels([level(0, -91, 'due-soon'), after]))).toContainEqual({ field: 'levels[0].daysPastDue', problem: 'must be at least -90 (90 days before the due date)' });
    // A dunning level still needs its days past due at least the grace days.
    expect(problemsOf(withLevels([level(0, -3, 'due-soon'), level(1, 1, 'friendly-reminder')]))).toContainEqual({ field: 'levels[1].daysPastDue', problem: 'must be at least graceDays (3)' });
  });
});

function setup(options: { mandates?: Mandate[]; locale?: string } = {}) {
  const store = new InMemoryDunningStore();
  const workflow = new InMemoryEscalations();
  const mailer = new RecordingMailer();
  const clock = new ManualClock(new Date('2026-04-01T10:00:00Z'));
  let ids = 0;
  const deps: DunningDeps = {
    store,
    postings: store.postings,
    workflow,
    mailer,
    clock,
    newId: () => `id${++ids}`,
    settings: { businessTimeZone: 'Europe/Berlin', seller },
    payLinks: { linkFor: (customerId) => `https://portal.example/pay/#link=pl1.${customerId}.sig${++ids}` },
    directDebits: { mandatesOf: async (customerId) => (options.mandates ?? []).filter((m) => m.customerId === customerId) },
  };
  workflow.awaitStep = (input) => awaitEscalationEvent({ store, workflow }, input);
  store.seedCustomer(aCustomer({ dunningPolicyId: 'soon', locale: options.locale ?? 'en' }));
  void store.putPolicy(policyFromRequest('soon', PRE_DUE_POLICY, NOW));
  const runOn = (date: string) => {
    clock.set(`${date}T04:00:00Z`);
    return runDunning(deps, { trigger: 'schedule' });
  };
  const runDaily = async (from: string, to: string) => {
    const reports = [];
    for (let d = from; d <= to; d = addCalendarDays(d, 1)) reports.push(await runOn(d));
    return reports;
  };
  /** An invoice issued and not yet due: OPEN, its next action the day after its due date. */
  const invoice = (n: number, overrides: Partial<Invoice> = {}) => {
    const inv = anInvoice({ sequence: n, invoiceId: `I-${n}`, dueDate: DUE, nextActionDate: addCalendarDays(overrides.dueDate ?? DUE, 1), status: 'OPEN', ...overrides });
    store.seedInvoice(inv);
    return inv;
  };
  const actionDeps = { ...deps, settlement: { resumeSettled: async () => undefined } } as unknown as Parameters<typeof openDispute>[0];
  return { store, mailer, clock, deps, runOn, runDaily, invoice, actionDeps };
}

const dueSoonEntries = (inv: Invoice) => inv.dunning.history.filter((h) => h.event === 'due-soon-reminder').map((h) => [h.preDueDays, h.at.slice(0, 10)]);

describe('the daily run: reminders before the due date', () => {
  it('sends each pre-due level once, then dunning starts at level 1 as if none had been sent (no level, fee or escalation before)', async () => {
    const t = setup();
    t.invoice(1);
    await t.runDaily('2026-03-30', '2026-04-13');
    const inv = t.store.invoice('I-1');
    expect(dueSoonEntries(inv)).toEqual([
      [-7, '2026-04-03'],
      [-3, '2026-04-07'],
    ]);
    expect(t.mailer.sent.map((m) => m.subject)).toEqual(['Your invoice INV-2026-000001 falls due in 7 days', 'Your invoice INV-2026-000001 falls due in 3 days', 'Payment reminder: INV-2026-000001']);
    expect(t.mailer.sent[0]!.text).toContain('https://portal.example/pay/#link=pl1.C-1.');
    expect(t.mailer.sent[0]!.html).toContain('href="https://portal.example/pay/#link=pl1.C-1.');
    // The first reminder is level 1 on day 3 with its fee: the pre-due letters counted for nothing.
    expect(inv.dunning).toMatchObject({ level: 1, feesPostedMinor: 500, lastReminderDate: '2026-04-13' });
    expect(inv.dunning.history.filter((h) => h.event === 'due-soon-reminder').every((h) => h.state === undefined && h.level === 0)).toBe(true);
  });

  it('after missed runs sends only the latest level due, and never an earlier level afterwards', async () => {
    const t = setup();
    t.invoice(1);
    const [report] = await t.runDaily('2026-04-08', '2026-04-09');
    expect(dueSoonEntries(t.store.invoice('I-1'))).toEqual([[-3, '2026-04-08']]);
    expect(t.mailer.sent.map((m) => m.subject)).toEqual(['Your invoice INV-2026-000001 falls due in 2 days']);
    expect(report!.items).toEqual([expect.objectContaining({ invoiceId: 'I-1', outcome: 'reminded-before-due', fromLevel: 0, level: 0, fee: null })]);
    // The same day again: the run's letter is there, nothing twice.
    await t.runOn('2026-04-08');
    expect(t.mailer.sent).toHaveLength(1);
  });

  it('is not sent when something is paid, the invoice is disputed or promised, or below the minimum', async () => {
    const t = setup();
    t.invoice(1);
    t.invoice(2);
    t.invoice(3);
    t.invoice(4, { totalMinor: 400, balanceMinor: 400 });
    t.store.pay('I-1', 1_000, '2026-04-01T09:00:00Z');
    t.clock.set('2026-04-02T09:00:00Z');
    await openDispute(t.actionDeps, FINANCE, 'I-2', { reason: 'damaged goods' });
    await recordPromise(t.actionDeps, 'I-3', { amount: '100.00', promisedDate: '2026-04-08' });
    const [report] = await t.runDaily('2026-04-07', '2026-04-07');
    expect(t.mailer.sent).toHaveLength(0);
    const reasons = Object.fromEntries(report!.skipped.map((s) => [s.invoiceId, s.reason]));
    // A disputed invoice leaves the run's index altogether (until the dispute is resolved).
    expect(reasons).toEqual({ 'I-1': 'partly-paid', 'I-3': 'promised', 'I-4': 'below-minimum' });
    expect(t.store.invoice('I-2').nextActionDate).toBeUndefined();
    for (const id of ['I-1', 'I-2', 'I-3', 'I-4']) expect(dueSoonEntries(t.store.invoice(id))).toEqual([]);
  });

  it('is not sent for what direct debit collects: an active mandate (EUR), or an invoice in a pending collection', async () => {
    const mandate = { mandateId: 'M-1', customerId: 'C-1', status: 'ACTIVE', signedOn: '2026-01-01', lastCollectionOn: null } as unknown as Mandate;
    const t = setup({ mandates: [mandate] });
    t.invoice(1);
    t.invoice(2, { currency: 'USD' });
    const [report] = await t.runDaily('2026-04-07', '2026-04-07');
    expect(report!.skipped).toEqual([expect.objectContaining({ invoiceId: 'I-1', reason: 'direct-debit-mandate' })]);
    // SEPA collects EUR only: the USD invoice is reminded.
    expect(t.mailer.sent.map((m) => m.subject)).toEqual(['Your invoice INV-2026-000002 falls due in 3 days']);

    const pending = setup();
    pending.invoice(1, { directDebit: { status: 'pending', fileId: 'DD-1', endToEndId: 'E2E', mandateId: 'M-1', sequence: 'FRST', collectionDate: '2026-04-10', amountMinor: 10_000 } as Invoice['directDebit'] });
    const [second] = await pending.runDaily('2026-04-07', '2026-04-07');
    expect(second!.skipped).toEqual([expect.objectContaining({ invoiceId: 'I-1', reason: 'direct-debit-pending' })]);
    expect(pending.mailer.sent).toHaveLength(0);
  });

  it('goes into the customer’s one letter of the run beside the overdue items, and is written in German for a German customer', async () => {
    const t = setup({ locale: 'de-DE' });
    t.invoice(1, { dueDate: '2026-04-04', nextActionDate: '2026-04-05', status: 'OVERDUE' });
    t.invoice(2, { dueDate: '2026-04-10' });
    const [report] = await t.runDaily('2026-04-07', '2026-04-07');
    expect(t.mailer.sent).toHaveLength(1);
    const letter = t.mailer.sent[0]!;
    expect(letter.subject).toBe('Zahlungserinnerung: INV-2026-000001');
    expect(letter.text).toContain('Demnächst fällig');
    expect(letter.text).toMatch(/Rechnung INV-2026-000002 \| Fällig am .* \| Fällig in 3 Tagen/);
    expect(report!.customersContacted).toEqual([
      expect.objectContaining({
        customerId: 'C-1',
        items: [
          { invoiceId: 'I-1', number: 'INV-2026-000001', level: 1, raised: true },
          { invoiceId: 'I-2', number: 'INV-2026-000002', level: 0, raised: true },
        ],
      }),
    ]);
    expect(t.store.invoice('I-2').dunning.level).toBe(0);
    expect(dueSoonEntries(t.store.invoice('I-2'))).toEqual([[-3, '2026-04-07']]);

    const alone = setup({ locale: 'de' });
    alone.invoice(1, { dueDate: '2026-04-08', nextActionDate: '2026-04-09' });
    await alone.runDaily('2026-04-07', '2026-04-07');
    expect(alone.mailer.sent.map((m) => m.subject)).toEqual(['Ihre Rechnung INV-2026-000001 wird morgen fällig']);
  });

  it('decides nothing on or after the due date, for a fees item, or for a policy without pre-due levels', () => {
    const policy = policyFromRequest('soon', PRE_DUE_POLICY, NOW);
    const inv = anInvoice({ dueDate: DUE, status: 'OPEN' });
    expect(decidePreDue(inv, aCustomer(), policy, DUE, false)).toEqual({ kind: 'nothing' });
    expect(decidePreDue({ ...inv, chargesOf: 'I-0' }, aCustomer(), policy, '2026-04-07', false)).toEqual({ kind: 'nothing' });
    expect(decidePreDue(inv, aCustomer(), { ...policy, preDueLevels: [] }, '2026-04-07', false)).toEqual({ kind: 'nothing' });
    expect(decidePreDue(inv, aCustomer(), policy, '2026-04-07', false)).toMatchObject({ kind: 'remind', daysToDue: 3, rule: { daysPastDue: -3 } });
  });
});
