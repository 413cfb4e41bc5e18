/**
 * Reminders before the due date on the local AWS, through the HTTP API and the movable clock: a
 * policy with two pre-due levels (5 and 2 days before), the daily run at 06:00 business time.
 *
 * - Greta (German) gets "wird in 5 Tagen fällig", then "in 2 Tagen", each once, with her pay link,
 *   then the first reminder at 3 days past due as level 1: the pre-due letters were no level.
 * - Hanna paid part before: no reminder before the due date.
 * - Ida pays by SEPA direct debit (an active mandate): no reminder before the due date.
 * - Finance cannot give a pre-due level a fee or a dunning level negative days (400 naming the field).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver, type BodyOf } from './support/api-driver';
import { addCalendarDays } from '../../lambdas/core/time/clock';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

interface Email {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

type Invoice = {
  invoiceId: string;
  number: string;
  total: string;
  dueDate: string;
  issueDate: string;
  dunning: { level: number; history: { level: number; event?: string; state?: string; note?: string; at: string }[] };
};

const policyId = uniqueId('soon');
type Level = BodyOf<'putDunningPoliciesPolicyId'>['levels'][number];
const level = (n: number, days: number, template: Level['template'], extra: Partial<Level> = {}): Level => ({ level: n, name: days < 0 ? `${-days} days before` : `Level ${n}`, daysPastDue: days, minDaysSincePrevious: 7, template, ...extra });
const POLICY = {
  name: 'Reminders before the due date',
  graceDays: 3,
  levels: [level(0, -5, 'due-soon'), level(0, -2, 'due-soon'), level(1, 3, 'friendly-reminder'), level(2, 17, 'firm-reminder')],
  minimumAmounts: { EUR: '5.00' },
};

async function moveTo(date: string) {
  // 10:00 UTC: after the 06:00 (Europe/Berlin) run of that day.
  const moved = await api.post('/_local/clock', { to: `${date}T10:00:00Z` }, 'finance');
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
}

async function customer(name: string, overrides: Record<string, unknown> = {}) {
  const customerId = uniqueId(name.toLowerCase());
  const response = await api.registerCustomer(customerId, { name, email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 14, dunningPolicyId: policyId, ...overrides });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
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

/** Every email to the address but the invoice itself. */
async function lettersTo(email: string): Promise<Email[]> {
  const emails = await api.get<{ items: Email[] }>('/_local/emails');
  return emails.body.items.filter((e) => e.to.includes(email) && !/^(Invoice|Rechnung|Statement of account|Kontoauszug) /.test(e.subject));
}

describe('reminders before the due date, with the daily run and the movable clock', () => {
  it('refuses a pre-due level with a fee, and negative days on a dunning level, naming the field', async () => {
    const withFee = await api.op('putDunningPoliciesPolicyId', { path: { policyId }, body: { ...POLICY, levels: [level(0, -5, 'due-soon', { fees: { EUR: '2.50' } }), ...POLICY.levels.slice(2)] } }, { as: 'finance' });
    expect(withFee.status).toBe(400);
    expect(JSON.stringify(withFee.body)).toContain('levels[0].fees');
    const negativeLevel = await api.op('putDunningPoliciesPolicyId', { path: { policyId }, body: { ...POLICY, levels: [level(1, -5, 'friendly-reminder'), ...POLICY.levels.slice(3)] } }, { as: 'finance' });
    expect(negativeLevel.status).toBe(400);
    expect(JSON.stringify(negativeLevel.body)).toContain('must not be negative for a dunning level');
    expect((await api.op('getDunningPolicies')).body).not.toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ policyId })]) });

    const stored = await api.op('putDunningPoliciesPolicyId', { path: { policyId }, body: POLICY }, { as: 'finance' });
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    expect((stored.body as { levels: { daysPastDue: number }[] }).levels.map((l) => l.daysPastDue)).toEqual([-5, -2, 3, 17]);
  });

  it('sends each level before the due date once, in the customer’s language, with the pay link; not when partly paid or collected by direct debit', async () => {
    const greta = await customer('Greta', { locale: 'de-DE' });
    const hanna = await customer('Hanna');
    const ida = await customer('Ida');
    const gretaInvoice = await invoiceFor(greta.customerId, '240.00');
    const hannaInvoice = await invoiceFor(hanna.customerId, '120.00');
    const idaInvoice = await invoiceFor(ida.customerId, '80.00');
    const due = gretaInvoice.dueDate;
    expect([hannaInvoice.dueDate, idaInvoice.dueDate]).toEqual([due, due]);

    const paid = await api.op('postPayments', { body: { amount: '20.00', currency: 'EUR', reference: hannaInvoice.number, valueDate: gretaInvoice.issueDate, providerPaymentId: uniqueId('psp') } });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const mandate = await api.op('postCustomersCustomerIdMandates', { path: { customerId: ida.customerId }, body: { iban: 'DE02 1203 0000 0000 2020 51', accountHolder: 'Ida', signedOn: gretaInvoice.issueDate, scheme: 'CORE' } }, { as: 'finance' });
    expect(mandate.status, JSON.stringify(mandate.body)).toBe(201);

    await moveTo(addCalendarDays(due, -6));
    expect(await lettersTo(greta.email)).toEqual([]);

    await moveTo(addCalendarDays(due, -5));
    const first = await lettersTo(greta.email);
    expect(first.map((e) => e.subject)).toEqual([`Ihre Rechnung ${gretaInvoice.number} wird in 5 Tagen fällig`]);
    expect(first[0]!.text).toContain('Fällig in 5 Tagen');
    expect(first[0]!.text).toMatch(/#link=pl1\./);
    expect(first[0]!.html).toMatch(/href="[^"]*#link=pl1\./);

    await moveTo(addCalendarDays(due, -1));
    expect((await lettersTo(greta.email)).map((e) => e.subject)).toEqual([
      `Ihre Rechnung ${gretaInvoice.number} wird in 5 Tagen fällig`,
      `Ihre Rechnung ${gretaInvoice.number} wird in 2 Tagen fällig`,
    ]);
    const before = await invoice(gretaInvoice.invoiceId);
    expect(before.dunning.level).toBe(0);
    expect(before.dunning.history.filter((h) => h.event === 'due-soon-reminder').map((h) => [h.level, h.state ?? null])).toEqual([
      [0, null],
      [0, null],
    ]);
    // Hanna paid part and Ida pays by direct debit: nothing before the due date.
    expect(await lettersTo(hanna.email)).toEqual([]);
    expect(await lettersTo(ida.email)).toEqual([]);
    const run = await api.op<'getDunningRunsRunId', { skipped: { invoiceId: string; reason: string }[] }>('getDunningRunsRunId', { path: { runId: `run-${addCalendarDays(due, -2)}` } });
    expect(run.status).toBe(200);
    expect(run.body.skipped).toEqual(expect.arrayContaining([expect.objectContaining({ invoiceId: hannaInvoice.invoiceId, reason: 'partly-paid' })]));
    const idaSkip = run.body.skipped.find((s) => s.invoiceId === idaInvoice.invoiceId);
    expect(['direct-debit-mandate', 'direct-debit-pending']).toContain(idaSkip?.reason);

    // After the due date dunning starts at level 1 as usual.
    await moveTo(addCalendarDays(due, 3));
    const letters = await lettersTo(greta.email);
    expect(letters.map((e) => e.subject)).toEqual([
      `Ihre Rechnung ${gretaInvoice.number} wird in 5 Tagen fällig`,
      `Ihre Rechnung ${gretaInvoice.number} wird in 2 Tagen fällig`,
      `Zahlungserinnerung: ${gretaInvoice.number}`,
    ]);
    expect((await invoice(gretaInvoice.invoiceId)).dunning.level).toBe(1);
    expect((await lettersTo(ida.email)).filter((e) => /fällig|falls due/.test(e.subject))).toEqual([]);
    const check = await api.ledgerCheck();
    expect(check).toMatchObject({ balanced: true, problems: [] });
  });
});
