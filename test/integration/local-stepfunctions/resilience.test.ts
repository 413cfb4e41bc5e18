/**
 * The local Step Functions service follows the product's Retry and Catch: transient errors are
 * retried (with FULL jitter and MaxDelaySeconds applied to the pauses), a step that still fails goes
 * to NeedsAttention and runs again when finance's token comes back, a wait lapses after a month and
 * waits again, an execution nearing its year continues in a new one, and the year itself is enforced.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, ListExecutionsCommand, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stateMachineById, stateMachines, type StateMachineDefinition } from '../../../lib/definitions/state-machines';
import type { LocalStateMachineDefinition } from '../../../local-aws/stepfunctions/service';
import { renewExecutionIfOld } from '../../../lambdas/core/workflow/renewal';
import { ACCOUNT, Harness, REGION, waitFor, waitForStatus } from './harness';

let harness: Harness | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await harness?.close();
  harness = undefined;
});

const DAY = 86_400_000;

function localDefinition(machine: StateMachineDefinition): LocalStateMachineDefinition {
  let text = readFileSync(join(import.meta.dirname, '../../..', machine.file), 'utf8');
  for (const [placeholder, substitution] of Object.entries(machine.substitutions)) {
    const value =
      substitution.kind === 'functionArn'
        ? `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${substitution.functionId}`
        : substitution.kind === 'tableName'
          ? `local-${substitution.tableId}`
          : `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${stateMachineById(substitution.stateMachineId).name}`;
    text = text.split(`\${${placeholder}}`).join(value);
  }
  return { name: machine.name, definition: JSON.parse(text) as Record<string, unknown> };
}

function named(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

function tokenOf(h: Harness, functionName: string, call = 1): Promise<string> {
  return waitFor(`${functionName} call ${call}`, () => (h.callsOf(functionName)[call - 1]?.payload as { taskToken?: string } | undefined)?.taskToken);
}

const orderLambdas = (overrides: Record<string, (payload: unknown) => unknown> = {}) => ({
  // Credit approved: the first step keeps the token until the first shipment.
  CheckCredit: () => ({ waiting: true }),
  WaitForShipment: () => ({ waiting: true }),
  IssueInvoice: () => ({ invoiceId: 'INV-1', number: '2026-1', dueDate: '2026-12-31', messageId: 'm-1', sentAt: '2026-12-01T00:00:00.000Z', orderFullyShipped: true, secondsUntilNextCheck: 30 * 86_400 }),
  WaitForOrderSettlement: () => ({ waiting: true }),
  CompleteOrder: () => ({ status: 'COMPLETED' }),
  RecordNeedsAttention: () => ({ waiting: true }),
  RenewExecution: () => ({ continued: false }),
  ...overrides,
});

describe('the product state machines on the local engine, under faults', () => {
  it('retries transient errors of a step, then a step that still fails waits on NeedsAttention and runs again when finance retries', async () => {
    let issueCalls = 0;
    harness = await Harness.start({
      machines: [],
      definitions: stateMachines.map(localDefinition),
      lambdas: orderLambdas({
        IssueInvoice: (payload) => {
          issueCalls++;
          // Two throttles (retried), then a permanent error until finance retries (5 attempts of the transient retrier don't apply).
          if (issueCalls <= 2) throw named('TransientStoreError', 'The database is busy');
          if (issueCalls === 3) throw named('InvoiceRulesBroken', 'the customer has no billing address');
          return orderLambdas().IssueInvoice();
        },
      }),
    });
    const { executionArn } = await harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('OrderLifecycle'), name: 'order-O1', input: JSON.stringify({ orderId: 'O1' }) }));
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: await tokenOf(harness, 'CheckCredit'), output: JSON.stringify({ shipmentId: 'S-1' }) }));
    const attentionToken = await tokenOf(harness, 'RecordNeedsAttention');
    const attention = harness.callsOf('RecordNeedsAttention')[0]?.payload as Record<string, unknown>;
    expect(attention).toMatchObject({ machine: 'OrderLifecycle', orderId: 'O1', executionArn, state: 'InvoiceShipment', failure: { Error: 'InvoiceRulesBroken' } });
    expect(String((attention.failure as { Cause: string }).Cause)).toContain('no billing address');
    expect(issueCalls).toBe(3);

    // Finance retries: the failed step runs again and the order goes on.
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: attentionToken, output: JSON.stringify({ retriedBy: 'finance' }) }));
    // A settlement that did not complete the order itself sends it to CompleteOrder.
    await harness.client.send(new SendTaskFailureCommand({ taskToken: await tokenOf(harness, 'WaitForOrderSettlement'), error: 'InvoiceSettled', cause: 'Invoice INV-1 is settled' }));
    expect((await waitForStatus(harness.client, executionArn!)).status).toBe('SUCCEEDED');
    expect(issueCalls).toBe(4);
    expect(harness.callsOf('CompleteOrder')).toHaveLength(1);
  });

  it('retries a Lambda time-out (Sandbox.Timedout) of the invoice step', async () => {
    let sendCalls = 0;
    harness = await Harness.start({
      machines: [],
      definitions: stateMachines.map(localDefinition),
      lambdas: orderLambdas({
        IssueInvoice: () => {
          if (++sendCalls === 1) throw named('Sandbox.Timedout', 'Task timed out after 10.00 seconds');
          return orderLambdas().IssueInvoice();
        },
      }),
    });
    const { executionArn } = await harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('OrderLifecycle'), name: 'order-O2', input: JSON.stringify({ orderId: 'O2' }) }));
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: await tokenOf(harness, 'CheckCredit'), output: JSON.stringify({ shipmentId: 'S-1' }) }));
    await tokenOf(harness, 'WaitForOrderSettlement');
    expect(sendCalls).toBe(2);
    expect(harness.callsOf('RecordNeedsAttention')).toHaveLength(0);
    // The order tracks its invoice itself: no settlement execution per invoice.
    const children = await harness.client.send(new ListExecutionsCommand({ stateMachineArn: harness.arn('InvoiceSettlement') }));
    expect(children.executions).toEqual([]);
    expect((await harness.client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
  });

  it('applies FULL jitter to the pauses between attempts: each pause is drawn from zero to the back-off', async () => {
    // IntervalSeconds 1, BackoffRate 2: at scale 0.05 the four pauses are at most 50, 100, 200 and 400 ms.
    const timings = new Map<string, number[]>();
    harness = await Harness.start({
      machines: [],
      definitions: stateMachines.map(localDefinition),
      retryDelayScale: 0.05,
      lambdas: orderLambdas({
        CheckCredit: (payload) => {
          const id = (payload as { execution: { orderId: string } }).execution.orderId;
          const seen = timings.get(id) ?? [];
          seen.push(Date.now());
          timings.set(id, seen);
          if (seen.length <= 4) throw named('TransientStoreError');
          return { waiting: true };
        },
      }),
    });
    const pausedFor = async (orderId: string, draw: number) => {
      vi.spyOn(Math, 'random').mockReturnValue(draw);
      await harness!.client.send(new StartExecutionCommand({ stateMachineArn: harness!.arn('OrderLifecycle'), name: `order-${orderId}`, input: JSON.stringify({ orderId }) }));
      await waitFor(`${orderId} checked 5 times`, () => ((timings.get(orderId)?.length ?? 0) >= 5 ? true : undefined), 10_000);
      vi.restoreAllMocks();
      const seen = timings.get(orderId)!;
      return seen.at(-1)! - seen[0]!;
    };
    // The draw at its bottom: no pause at all; at its top: the whole back-off (750 ms).
    expect(await pausedFor('J0', 0)).toBeLessThan(350);
    expect(await pausedFor('J1', 0.999)).toBeGreaterThanOrEqual(700);
  });

  it('lapses a wait after a month (waits again), continues an old execution in a new one, which resumes the wait and completes', async () => {
    const machine = stateMachineById('InvoiceSettlement');
    harness = await Harness.start({
      machines: [],
      definitions: [localDefinition(machine)],
      lambdas: {
        WaitForPayment: () => ({ waiting: true }),
        RecordInvoiceSettled: () => ({ openInvoices: 0 }),
        EndDunningEscalation: () => ({ ended: false }),
        RecordNeedsAttention: () => ({ waiting: true }),
        UpdateItem: () => ({}),
        RenewExecution: (payload) =>
          renewExecutionIfOld(
            {
              clock: { now: () => new Date(harness!.clock.nowMs()) },
              executions: {
                start: async (stateMachineArn, name, input) => {
                  const started = await harness!.client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
                  return { executionArn: started.executionArn!, alreadyStarted: false };
                },
              },
            },
            payload as Parameters<typeof renewExecutionIfOld>[1],
          ),
      },
      dynamodb: { send: async () => ({}) } as never,
    });
    const startMs = harness.clock.nowMs();
    // Payment terms of 200 days: awaited a month at a time, then overdue, then awaited a month at a time.
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({
        stateMachineArn: harness.arn(machine.name),
        name: 'invoice-LONG',
        input: JSON.stringify({ invoiceId: 'LONG', orderId: 'O9', overdueAt: new Date(startMs + 200 * DAY).toISOString(), secondsUntilOverdue: 200 * 86_400 }),
      }),
    );
    await tokenOf(harness, 'WaitForPayment');
    await harness.clock.advanceTo(new Date(startMs + 31 * DAY));
    // Lapsed once: the age was checked (young) and the wait asked again for the facts.
    await tokenOf(harness, 'WaitForPayment', 2);
    expect(harness.callsOf('RenewExecution')[0]?.payload).toMatchObject({ executionArn, executionName: 'invoice-LONG' });
    expect(Math.abs(Date.parse((harness.callsOf('RenewExecution')[0]?.payload as { startTime: string }).startTime) - startMs)).toBeLessThan(1000);
    expect((harness.callsOf('RenewExecution')[0]?.payload as { input: { secondsUntilOverdue: number } }).input.secondsUntilOverdue).toBe(170 * 86_400);

    // 400 days on (in two moves: the clock moves at most a year at once): the old execution continued before its year, the new one waits for the payment.
    await harness.clock.advanceTo(new Date(startMs + 200 * DAY));
    await harness.clock.advanceTo(new Date(startMs + 400 * DAY));
    const old = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(old.status).toBe('SUCCEEDED');
    expect(JSON.parse(old.output ?? '{}')).toMatchObject({ renewal: { continued: true } });
    const continued = `${executionArn}-continued-2`;
    const next = await harness.client.send(new DescribeExecutionCommand({ executionArn: continued }));
    expect(next.status).toBe('RUNNING');
    expect(JSON.parse(next.input ?? '{}')).toMatchObject({ invoiceId: 'LONG', continuedFrom: executionArn, resumeAt: 'AwaitPaymentWhileOverdue' });
    // It waits (its own token), and the payment settles the invoice and tells the order.
    const waits = harness.callsOf('WaitForPayment');
    const lastToken = (waits.at(-1)?.payload as { taskToken: string }).taskToken;
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: lastToken, output: JSON.stringify({ paid: true }) }));
    expect((await waitForStatus(harness.client, continued)).status).toBe('SUCCEEDED');
    expect(harness.callsOf('RecordInvoiceSettled').map((c) => c.payload)).toEqual([{ orderId: 'O9', invoiceId: 'LONG' }]);
  });

  it('ends an execution that outlives its year TIMED_OUT, as AWS does', async () => {
    harness = await Harness.start({
      machines: [],
      definitions: [{ name: 'Forever', definition: { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 400 * 86_400, Next: 'Done' }, Done: { Type: 'Succeed' } } } }],
      lambdas: {},
    });
    const startMs = harness.clock.nowMs();
    const { executionArn } = await harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('Forever'), input: '{}' }));
    await harness.clock.advanceTo(new Date(startMs + 366 * DAY));
    expect((await waitForStatus(harness.client, executionArn!)).status).toBe('TIMED_OUT');
  });
});
