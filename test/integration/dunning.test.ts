/**
 * Dunning on the local AWS, through the HTTP API and the clock: a realistic stretch of weeks for
 * several customers. The daily run fires by itself at 06:00 business time as the clock moves.
 *
 * - Anna pays after the first reminder: her escalation ends Settled, no later letter.
 * - Bruno disputes; finance credits part of it; dunning resumes at his level.
 * - Carla promises to pay and breaks it: up one level at once, then the collector, marked.
 * - Dieter pays part: the rest is dunned at the same level.
 * - Emma (a business under the EU Late Payment Directive) has two invoices: one letter lists
 *   both, with 40 EUR compensation and interest; paying the principal leaves the charges open.
 *
 * After every step: at most one letter per customer per run, and the ledger check balanced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { startTestStack, uniqueId, type ApiDriver, type BodyOf } from './support/api-driver';
import type { LocalAws } from '../../local-aws/runtime';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let local: LocalAws;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  local = stack.local;
});

afterAll(async () => {
  await stack?.stop();
});

interface Email {
  to: string[];
  subject: string;
  text: string;
  html: string;
  at: string;
}

type Invoice = {
  invoiceId: string;
  number: string;
  balance: string;
  status: string;
  dueDate: string;
  dunning: { level: number; blockedUntil: string | null; history: { level: number; event?: string; state?: string; note?: string; at: string }[]; chargesInvoiceId?: string };
};

async function moveTo(instant: string) {
  const moved = await api.post('/_local/clock', { to: instant }, 'finance');
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
}

async function customer(name: string, overrides: Record<string, unknown> = {}) {
  const customerId = uniqueId(name.toLowerCase().replace(/[^a-z]/g, ''));
  const response = await api.registerCustomer(customerId, {
    name,
    email: `${customerId}@example.com`,
    currency: 'EUR',
    creditLimit: '100000.00',
    paymentTermsDays: 14,
    ...overrides,
  });
  expect(response.status).toBe(201);
  return { customerId, email: `${customerId}@example.com` };
}

async function invoiceFor(customerId: string, unitPrice: string): Promise<Invoice> {
  const order = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'DESK-1', quantity: 1, unitPrice }] } });
  expect(order.status).toBe(202);
  const orderId = String(order.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL' } })).status).toBe(202);
  const invoiced = await api.waitForOrderStatus(orderId, 'INVOICED');
  const invoiceId = String(invoiced.body.invoiceId);
  const invoice = await api.waitFor('the invoice to be emailed', () => api.op<'getInvoicesInvoiceId', Invoice & { sentAt: string | null }>('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.status === 200 && r.body.sentAt !== null);
  return invoice.body;
}

const invoice = async (invoiceId: string) => (await api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId } })).body;

async function reminders(): Promise<Email[]> {
  const emails = await api.get<{ items: Email[] }>('/_local/emails');
  return emails.body.items.filter((e) => !/^(Invoice|Rechnung|Statement of account|Kontoauszug) /.test(e.subject));
}

async function remindersTo(email: string) {
  return (await reminders()).filter((e) => e.to.includes(email));
}

/** At most one letter per customer per run: no two reminders to one address on one day. */
async function expectOneLetterPerCustomerPerRun() {
  const seen = new Map<string, number>();
  for (const e of await reminders()) {
    const key = `${e.to.join(',')}|${e.at.slice(0, 10)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  expect([...seen.entries()].filter(([, n]) => n > 1), JSON.stringify((await reminders()).map((e) => [e.to[0], e.at, e.subject]))).toEqual([]);
}

async function expectBalanced() {
  const check = await api.ledgerCheck();
  expect(check, JSON.stringify(check)).toMatchObject({ balanced: true, problems: [] });
}

async function escalationStates(invoiceId: string): Promise<string[]> {
  const sfn = new SFNClient({ endpoint: local.endpoints.stepFunctions, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const arn = local.stateMachineArns['local-DunningEscalation']!.replace(':stateMachine:', ':execution:') + `:dunning-${invoiceId}`;
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }));
  return (history.events ?? [])
    .filter((e) => e.type?.endsWith('StateEntered') && e.type !== 'ChoiceStateEntered')
    .map((e) => e.stateEnteredEventDetails!.name!);
}

describe('a month of dunning for several customers', () => {
  it('reminds, pauses, resumes, escalates and ends each escalation as the customers act', async () => {
    await moveTo('2027-03-01T09:00:00Z');
    const anna = await customer('Anna Schmidt');
    const bruno = await customer('Bruno Keller');
    const carla = await customer('Carla Rossi');
    const dieter = await customer('Dieter Braun');
    const emma = await customer('Emma <Handel> & Co KG', { dunningPolicyId: 'eu-late-payment', locale: 'de' });

    const a1 = await invoiceFor(anna.customerId, '500.00');
    const b1 = await invoiceFor(bruno.customerId, '800.00');
    const c1 = await invoiceFor(carla.customerId, '1200.00');
    const d1 = await invoiceFor(dieter.customerId, '1000.00');
    const e1 = await invoiceFor(emma.customerId, '10000.00');
    const e2 = await invoiceFor(emma.customerId, '2000.00');
    expect(a1.dueDate).toBe('2027-03-15');
    await expectBalanced();

    // 3 days past due, the 06:00 run sends the first reminders: one letter per customer.
    await moveTo('2027-03-18T08:00:00Z');
    const run18 = await api.op<'getDunningRunsRunId', { customersContacted: { customerId: string; items: { invoiceId: string; level: number }[] }[]; status: string }>('getDunningRunsRunId', { path: { runId: 'run-2027-03-18' } });
    expect(run18.status).toBe(200);
    expect(run18.body.status).toBe('COMPLETED');
    expect(run18.body.customersContacted.map((c) => c.customerId).sort()).toEqual([anna, bruno, carla, dieter, emma].map((c) => c.customerId).sort());
    expect((await remindersTo(anna.email)).map((e) => e.subject), JSON.stringify((await remindersTo(anna.email)).map((e) => [e.at, e.subject]))).toEqual([`Payment reminder: ${a1.number}`]);
    const emmaLetter = (await remindersTo(emma.email))[0]!;
    expect(emmaLetter.subject).toBe('Zahlungserinnerung: 2 Posten');
    expect(emmaLetter.text).toContain(e1.number);
    expect(emmaLetter.text).toContain(e2.number);
    expect(emmaLetter.text).toContain('40,00');
    expect(emmaLetter.html).toContain('Emma &lt;Handel&gt; &amp; Co KG');
    expect((await invoice(e1.invoiceId)).dunning).toMatchObject({ level: 1, chargesInvoiceId: `${e1.invoiceId}-C` });
    await expectBalanced();

    // Anna pays, Bruno disputes, Carla promises for the 20th, Dieter pays half.
    expect((await api.op('postPayments', { body: { amount: '500.00', currency: 'EUR', reference: a1.number, valueDate: '2027-03-18', providerPaymentId: uniqueId('psp') } })).status).toBe(201);
    const dispute = await api.op<'postInvoicesInvoiceIdDisputes', { disputeId: string }>('postInvoicesInvoiceIdDisputes', { path: { invoiceId: b1.invoiceId }, body: { reason: 'two desks arrived scratched' } });
    expect(dispute.status).toBe(201);
    expect((await api.op('postInvoicesInvoiceIdPromises', { path: { invoiceId: c1.invoiceId }, body: { amount: '1200.00', promisedDate: '2027-03-20' } }, { as: 'finance' })).status).toBe(201);
    expect((await api.op('postPayments', { body: { amount: '500.00', currency: 'EUR', reference: d1.number, valueDate: '2027-03-18', providerPaymentId: uniqueId('psp') } })).status).toBe(201);
    expect((await invoice(b1.invoiceId)).status).toBe('DISPUTED');
    expect((await invoice(c1.invoiceId)).dunning.blockedUntil).toBe('2027-03-20');
    await expectBalanced();

    // Carla's promise is broken: the run of the 21st takes her up one level, 3 days after level 1.
    await moveTo('2027-03-21T08:00:00Z');
    const carla21 = await invoice(c1.invoiceId);
    expect(carla21.dunning.level).toBe(2);
    expect(carla21.dunning.history.map((h) => h.event)).toEqual(['reminder', 'blocked', 'promise-broken', 'reminder']);
    expect((await remindersTo(carla.email)).map((e) => e.subject)).toEqual([`Payment reminder: ${c1.number}`, `Second payment reminder: ${c1.number}`]);
    expect(await escalationStates(a1.invoiceId)).toEqual(['EscalationStarted', 'ReminderLevel1Sent', 'Settled']);
    await expectBalanced();

    // Finance credits part of Bruno's dispute: the balance drops, dunning resumes at level 1.
    const resolved = await api.op('postInvoicesInvoiceIdDisputesDisputeIdResolve', { path: { invoiceId: b1.invoiceId, disputeId: dispute.body.disputeId }, body: { outcome: 'credit', reason: 'scratches confirmed', creditAmount: '100.00' } }, { as: 'finance' });
    expect(resolved.status).toBe(200);
    expect(await invoice(b1.invoiceId)).toMatchObject({ balance: '700.00', status: 'OVERDUE', dunning: { level: 1, blockedUntil: null } });
    await expectBalanced();

    // Emma pays the principal of her larger invoice: its fees and interest stay open and dunned.
    expect((await api.op('postPayments', { body: { amount: '10000.00', currency: 'EUR', reference: e1.number, valueDate: '2027-03-25', providerPaymentId: uniqueId('psp') } })).status).toBe(201);
    await expectBalanced();

    // Level 2 at 17 days past due for everyone still open; Dieter's rest at the same pace.
    await moveTo('2027-04-01T08:00:00Z');
    expect((await invoice(d1.invoiceId)).dunning.level).toBe(2);
    expect((await invoice(b1.invoiceId)).dunning.level).toBe(2);
    expect((await remindersTo(dieter.email)).at(-1)!.text).toContain('500.00');
    const emmaCharges = (await invoice(e1.invoiceId)).dunning;
    expect(emmaCharges.level).toBe(2);
    expect((await remindersTo(anna.email))).toHaveLength(1);
    await expectOneLetterPerCustomerPerRun();
    await expectBalanced();

    // Final notices at 31 days, the collector at 45.
    await moveTo('2027-04-29T08:00:00Z');
    const worklist = await api.op<'getCollectionsWorklist', { items: { rank: number; invoiceId: string; brokenPromise: boolean; disputed: boolean; level: number }[] }>('getCollectionsWorklist');
    expect(worklist.status).toBe(200);
    const onList = worklist.body.items.map((i) => i.invoiceId);
    expect(onList).toEqual(expect.arrayContaining([c1.invoiceId, d1.invoiceId]));
    expect(onList).not.toContain(a1.invoiceId);
    expect(worklist.body.items.find((i) => i.invoiceId === c1.invoiceId)).toMatchObject({ brokenPromise: true, level: 4 });
    expect(worklist.body.items.map((i) => i.rank)).toEqual(worklist.body.items.map((_, i) => i + 1));
    expect(await escalationStates(c1.invoiceId)).toEqual([
      'EscalationStarted', 'ReminderLevel1Sent', 'BlockedByPromise', 'PromiseBroken', 'ReminderLevel2Sent', 'FinalNoticeSent', 'HandedToCollector',
    ]);
    expect(await escalationStates(b1.invoiceId)).toEqual(expect.arrayContaining(['BlockedByDispute', 'CreditNoteIssued', 'DunningResumed', 'ReminderLevel2Sent']));
    await expectOneLetterPerCustomerPerRun();
    await expectBalanced();

    // Finance writes Dieter's rest off: the escalation ends, the worklist drops it.
    const written = await api.op('postInvoicesInvoiceIdWriteOff', { path: { invoiceId: d1.invoiceId }, body: { reason: 'customer insolvent' } }, { as: 'finance' });
    expect(written.status).toBe(200);
    expect((await api.op<'getCollectionsWorklist', { items: { invoiceId: string }[] }>('getCollectionsWorklist')).body.items.map((i) => i.invoiceId)).not.toContain(d1.invoiceId);
    await api.waitFor('the escalation to end WrittenOff', () => escalationStates(d1.invoiceId), (s) => s.at(-1) === 'WrittenOff');
    await expectBalanced();

    // Moving the clock ran one run per day, in order, each completed.
    const days: string[] = [];
    for (let d = new Date('2027-03-02T00:00:00Z'); d <= new Date('2027-04-29T00:00:00Z'); d = new Date(d.getTime() + 86_400_000)) days.push(d.toISOString().slice(0, 10));
    const runs = await Promise.all(days.map((day) => api.op<'getDunningRunsRunId', { status: string; trigger: string; startedAt: string }>('getDunningRunsRunId', { path: { runId: `run-${day}` } })));
    expect(runs.map((r) => [r.status, r.body.status, r.body.trigger])).toEqual(days.map(() => [200, 'COMPLETED', 'schedule']));
    const starts = runs.map((r) => r.body.startedAt);
    expect([...starts].sort()).toEqual(starts);
  });
});

describe('a reminder that bounces', () => {
  it('is recorded on the item and sent again by the next run', async () => {
    await moveTo('2027-04-29T10:00:00Z');
    const frank = await customer('Frank Bounce');
    const f1 = await invoiceFor(frank.customerId, '300.00');
    await moveTo(new Date(Date.parse(`${f1.dueDate}T08:00:00Z`) + 3 * 86_400_000).toISOString());
    const first = await api.waitFor('the first reminder', () => remindersTo(frank.email), (l) => l.length === 1);
    const emails = await api.get<{ items: (Email & { messageId: string })[] }>('/_local/emails');
    const messageId = emails.body.items.find((e) => e.to.includes(frank.email) && e.subject === first[0]!.subject)!.messageId;
    const feedback = await api.post('/_local/emails/feedback', { messageId, bounceType: 'Transient' }, 'finance');
    expect(feedback.status).toBe(200);
    expect(feedback.body).toMatchObject({ recorded: [{ messageId, found: true, items: [f1.invoiceId] }] });
    const bounced = await invoice(f1.invoiceId);
    expect(bounced.dunning).toMatchObject({ level: 1, lastError: { message: expect.stringContaining('bounced (Transient') } });
    const next = new Date(Date.parse(`${f1.dueDate}T08:00:00Z`) + 4 * 86_400_000).toISOString();
    await moveTo(next);
    const letters = await remindersTo(frank.email);
    expect(letters.map((l) => l.subject)).toEqual([first[0]!.subject, first[0]!.subject]);
    expect((await invoice(f1.invoiceId)).dunning).toMatchObject({ level: 1, lastError: null });
    await expectBalanced();
  });
});

describe('the API of dunning', () => {
  it('lists policies, refuses a bad one naming the field, and dry-runs without sending', async () => {
    const policies = await api.op<'getDunningPolicies', { items: { policyId: string }[] }>('getDunningPolicies');
    expect(policies.body.items.map((p) => p.policyId)).toEqual(expect.arrayContaining(['default', 'eu-late-payment', 'uk-late-payment']));
    const level = (n: number, daysPastDue: number, minDaysSincePrevious = 7) => ({ level: n, name: `L${n}`, daysPastDue, minDaysSincePrevious, template: 'friendly-reminder' as const });
    const problems = async (body: unknown) => {
      // bodies outside the declared type, on purpose: the client sends them, the server names the field
      const response = await api.op('putDunningPoliciesPolicyId', { path: { policyId: 'custom' }, body: body as BodyOf<'putDunningPoliciesPolicyId'> }, { as: 'finance' });
      expect(response.status).toBe(400);
      return (response.body as unknown as { error: { details: { field: string; problem: string }[] } }).error.details;
    };
    expect(await problems({ name: 'x', graceDays: 3, levels: [level(1, 10), level(2, 5)] })).toEqual([
      { field: 'levels[1].daysPastDue', problem: 'must be more than 10, the days past due of level 1: levels must be in order' },
    ]);
    expect(await problems({ name: 'x', graceDays: 3, levels: [level(1, 10, -1)] })).toEqual([{ field: 'levels[0].minDaysSincePrevious', problem: 'must not be negative' }]);
    expect(await problems({ name: 'x', graceDays: 3, levels: [level(1, 10)], minimumAmounts: { EUX: '5.00' } })).toEqual([
      { field: 'minimumAmounts.EUX', problem: '"EUX" is not an ISO 4217 currency code' },
    ]);
    const stored = await api.op('putDunningPoliciesPolicyId', { path: { policyId: 'custom' }, body: { name: 'Custom', graceDays: 3, levels: [level(1, 10), level(2, 20)] } }, { as: 'finance' });
    expect(stored.status).toBe(200);
    expect((await api.op<'getDunningPolicies', { items: { policyId: string }[] }>('getDunningPolicies')).body.items.map((p) => p.policyId)).toContain('custom');
    const before = (await reminders()).length;
    const dry = await api.op<'postDunningRuns', { dryRun: boolean; runId: string }>('postDunningRuns', { body: { dryRun: true } }, { as: 'finance' });
    expect(dry.status).toBe(201);
    expect(dry.body.dryRun).toBe(true);
    expect((await reminders()).length).toBe(before);
    expect((await api.op('getDunningRunsRunId', { path: { runId: dry.body.runId } })).status).toBe(200);
    expect((await api.op('postDunningRuns', { body: {} })).status).toBe(403);
  });
});
