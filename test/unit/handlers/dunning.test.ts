/** The dunning handlers map events to the use cases and results to answers (in-memory ports, no network). */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { InMemoryDunningStore, InMemoryEscalations, ManualClock, RecordingMailer } from '../../support/in-memory-dunning';
import { aCustomer, anInvoice } from '../../support/builders';
import type { DunningDeps } from '../../../lambdas/core/dunning/run-dunning';

let startRun: typeof import('../../../lambdas/handlers/api/start-dunning-run');
let getRunModule: typeof import('../../../lambdas/handlers/api/get-dunning-run');
let openDisputeModule: typeof import('../../../lambdas/handlers/api/open-dispute');
let writeOffModule: typeof import('../../../lambdas/handlers/api/write-off-invoice');
let putPolicyModule: typeof import('../../../lambdas/handlers/api/put-dunning-policy');
let worklistModule: typeof import('../../../lambdas/handlers/api/collections-worklist');
let runStep: typeof import('../../../lambdas/handlers/steps/run-dunning');
let awaitStep: typeof import('../../../lambdas/handlers/steps/await-dunning-event');

beforeAll(async () => {
  stubHandlerEnvironment();
  startRun = await import('../../../lambdas/handlers/api/start-dunning-run');
  getRunModule = await import('../../../lambdas/handlers/api/get-dunning-run');
  openDisputeModule = await import('../../../lambdas/handlers/api/open-dispute');
  writeOffModule = await import('../../../lambdas/handlers/api/write-off-invoice');
  putPolicyModule = await import('../../../lambdas/handlers/api/put-dunning-policy');
  worklistModule = await import('../../../lambdas/handlers/api/collections-worklist');
  runStep = await import('../../../lambdas/handlers/steps/run-dunning');
  awaitStep = await import('../../../lambdas/handlers/steps/await-dunning-event');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

const seller = { name: 'Example Trading GmbH', address: ['Musterstrasse 1'], iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', vatId: 'DE123456789' };

function world() {
  const store = new InMemoryDunningStore();
  store.seedCustomer(aCustomer());
  store.seedInvoice(anInvoice({ invoiceId: 'I-1', status: 'OVERDUE', dueDate: '2026-04-01', nextActionDate: '2026-04-02' }));
  const deps: DunningDeps = {
    store,
    postings: store.postings,
    workflow: new InMemoryEscalations(),
    mailer: new RecordingMailer(),
    clock: new ManualClock(new Date('2026-04-04T04:00:00Z')),
    newId: () => 'id-1',
    settings: { businessTimeZone: 'Europe/Berlin', seller },
  };
  return { store, deps };
}

describe('POST /dunning/runs and GET /dunning/runs/{runId}', () => {
  it('runs now (201 with what it did), and shows the run afterwards', async () => {
    const { deps } = world();
    const response = await startRun.makeHandler(deps, {})(apiEvent('POST', '/dunning/runs', { body: {}, role: 'finance' }), lambdaContext);
    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toMatchObject({ runId: 'run-2026-04-04', status: 'COMPLETED', items: [{ invoiceId: 'I-1', level: 1 }] });
    const shown = await getRunModule.makeHandler(deps)(apiEvent('GET', '/dunning/runs/run-2026-04-04', { pathParameters: { runId: 'run-2026-04-04' }, role: 'finance' }), lambdaContext);
    expect(shown.statusCode).toBe(200);
    expect(bodyOf(shown)).toMatchObject({ customersContacted: [{ customerId: 'C-1', letter: { state: 'SENT' } }] });
  });

  it('refuses a run of a future day and unknown fields, naming the field; 404 for an unknown run', async () => {
    const { deps } = world();
    const handler = startRun.makeHandler(deps, {});
    const future = await handler(apiEvent('POST', '/dunning/runs', { body: { asOf: '2026-04-05' }, role: 'finance' }), lambdaContext);
    expect(future.statusCode).toBe(400);
    expect(errorOf(future).details).toEqual([{ field: 'asOf', problem: 'must not be after today (2026-04-04): dunning cannot act on the future' }]);
    const longAgo = await handler(apiEvent('POST', '/dunning/runs', { body: { asOf: '0001-01-01' }, role: 'finance' }), lambdaContext);
    expect(longAgo.statusCode).toBe(400);
    expect(errorOf(longAgo).details).toEqual([{ field: 'asOf', problem: 'must not be before 2025-04-03: a run on demand looks back at most 366 days' }]);
    const yearAgo = await handler(apiEvent('POST', '/dunning/runs', { body: { asOf: '2025-04-03', dryRun: true }, role: 'finance' }), lambdaContext);
    expect(yearAgo.statusCode).toBe(201);
    const unknown = await handler(apiEvent('POST', '/dunning/runs', { body: { dry: true }, role: 'finance' }), lambdaContext);
    expect(errorOf(unknown).details).toEqual([{ field: 'dry', problem: 'unknown field: dry' }]);
    const missing = await getRunModule.makeHandler(deps)(apiEvent('GET', '/dunning/runs/run-1999-01-01', { pathParameters: { runId: 'run-1999-01-01' }, role: 'finance' }), lambdaContext);
    expect(missing.statusCode).toBe(404);
  });
});

describe('the scheduled run', () => {
  it('runs the business day of the scheduled time', async () => {
    const { deps, store } = world();
    const result = await runStep.makeHandler(deps)({ trigger: 'schedule', scheduledTime: '2026-04-03T22:30:00.000Z' }, lambdaContext);
    expect(result).toMatchObject({ runId: 'run-2026-04-04', status: 'COMPLETED' });
    expect(store.invoice('I-1').dunning.level).toBe(1);
  });
});

describe('disputes, write-offs, policies, worklist', () => {
  it('opens a dispute (201 with its id), refuses a second (409) and an unknown invoice (404)', async () => {
    const { deps } = world();
    const handler = openDisputeModule.makeHandler(deps, {});
    const event = (invoiceId: string) => apiEvent('POST', `/invoices/${invoiceId}/disputes`, { body: { reason: 'damaged' }, pathParameters: { invoiceId } });
    const first = await handler(event('I-1'), lambdaContext);
    expect(first.statusCode).toBe(201);
    expect(bodyOf(first)).toMatchObject({ disputeId: 'D-id-1', status: 'open', blocksDunning: true });
    expect((await handler(event('I-1'), lambdaContext)).statusCode).toBe(409);
    expect((await handler(event('I-404'), lambdaContext)).statusCode).toBe(404);
  });

  it("answers another storefront's invoice with 404 and leaves it undisputed", async () => {
    const { deps, store } = world();
    const response = await openDisputeModule.makeHandler(deps, {})(
      apiEvent('POST', '/invoices/I-1/disputes', { body: { reason: 'damaged' }, pathParameters: { invoiceId: 'I-1' }, clientId: 'other-shop' }),
      lambdaContext,
    );
    expect(response.statusCode).toBe(404);
    expect(errorOf(response)).toMatchObject({ code: 'NOT_FOUND', message: 'Invoice I-1 does not exist' });
    expect(store.invoice('I-1').status).not.toBe('DISPUTED');
    expect(store.invoice('I-1').dunning.disputes ?? []).toEqual([]);
  });

  it('refuses a write-off above the balance, naming the amount', async () => {
    const { deps } = world();
    const response = await writeOffModule.makeHandler(deps, {})(
      apiEvent('POST', '/invoices/I-1/write-off', { body: { reason: 'insolvent', amount: '100.01' }, pathParameters: { invoiceId: 'I-1' }, role: 'finance' }),
      lambdaContext,
    );
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'amount', problem: 'must not exceed the balance 100.00' }]);
  });

  it('stores a valid policy and refuses a bad one with the field', async () => {
    const { deps, store } = world();
    const handler = putPolicyModule.makeHandler(deps, {});
    const level = { level: 1, name: 'Reminder', daysPastDue: 5, minDaysSincePrevious: 7, template: 'friendly-reminder' };
    const ok = await handler(apiEvent('PUT', '/dunning/policies/gentle', { body: { name: 'Gentle', graceDays: 5, levels: [level] }, pathParameters: { policyId: 'gentle' }, role: 'finance' }), lambdaContext);
    expect(ok.statusCode).toBe(200);
    expect(store.policies.get('gentle')).toMatchObject({ graceDays: 5 });
    const bad = await handler(apiEvent('PUT', '/dunning/policies/gentle', { body: { name: 'Gentle', graceDays: 5, levels: [{ ...level, daysPastDue: -5 }] }, pathParameters: { policyId: 'gentle' }, role: 'finance' }), lambdaContext);
    // Negative days only for a reminder before the due date (level 0, due-soon): never for a dunning level.
    expect(errorOf(bad).details).toEqual([
      { field: 'levels[0].daysPastDue', problem: 'must not be negative for a dunning level: only a level 0 (template due-soon) reminds before the due date' },
      { field: 'levels[0].daysPastDue', problem: 'must be at least graceDays (5)' },
    ]);
  });

  it('lists the worklist', async () => {
    const { deps } = world();
    const response = await worklistModule.makeHandler(deps)(apiEvent('GET', '/collections/worklist', { role: 'finance' }), lambdaContext);
    expect(bodyOf(response)).toEqual({ asOf: '2026-04-04', items: [] });
  });
});

describe('the escalation waiting step', () => {
  it('keeps the token and delivers at once when an entry waits already', async () => {
    const { store } = world();
    const workflow = new InMemoryEscalations();
    const resumed: unknown[] = [];
    workflow.resume = async (_token, output) => {
      resumed.push(output);
      return true;
    };
    const invoice = store.invoice('I-1');
    store.seedInvoice({ ...invoice, dunning: { ...invoice.dunning, history: [{ level: 1, at: 'now', channel: 'email', messageId: 'm', event: 'reminder', state: 'ReminderLevel1Sent' }] } });
    const handler = awaitStep.makeHandler({ store, workflow });
    expect(await handler({ invoiceId: 'I-1', taskToken: 't-1', seen: 1 }, lambdaContext)).toEqual({ waiting: true });
    expect(await store.escalationWait('I-1')).toEqual({ taskToken: 't-1', seen: 1 });
    expect(await handler({ invoiceId: 'I-1', taskToken: 't-0', seen: 0 }, lambdaContext)).toEqual({ waiting: false });
    expect(resumed).toEqual([{ seen: 1, state: 'ReminderLevel1Sent', event: 'reminder', level: 1, note: '', at: 'now' }]);
  });
});

describe('SES feedback', () => {
  it('reads bounces and complaints from SNS messages (configuration set events and identity notifications), and ignores the rest', async () => {
    const { feedbackOf } = await import('../../../lambdas/handlers/steps/record-email-feedback');
    expect(feedbackOf(JSON.stringify({ eventType: 'Bounce', mail: { messageId: 'm-1' }, bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: 'x@example.com', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] } }))).toEqual({
      messageId: 'm-1',
      bounceType: 'Permanent',
      detail: 'General, smtp; 550 5.1.1 user unknown',
    });
    expect(feedbackOf(JSON.stringify({ notificationType: 'Complaint', mail: { messageId: 'm-2' }, complaint: { complaintFeedbackType: 'abuse' } }))).toEqual({ messageId: 'm-2', bounceType: 'Complaint', detail: 'abuse' });
    expect(feedbackOf(JSON.stringify({ eventType: 'Delivery', mail: { messageId: 'm-3' } }))).toBeNull();
    expect(feedbackOf('not json')).toBeNull();
  });

  it('records a bounce of a sent reminder from an SNS event', async () => {
    const { makeHandler } = await import('../../../lambdas/handlers/steps/record-email-feedback');
    const { deps } = world();
    await startRun.makeHandler(deps, {})(apiEvent('POST', '/dunning/runs', { body: {}, role: 'finance' }), lambdaContext);
    const message = JSON.stringify({ eventType: 'Bounce', mail: { messageId: 'msg-1' }, bounce: { bounceType: 'Transient' } });
    const result = await makeHandler(deps)({ Records: [{ Sns: { Message: message } }] } as never, lambdaContext);
    expect(result).toEqual({ recorded: [{ messageId: 'msg-1', found: true, items: ['I-1'] }] });
  });
});
