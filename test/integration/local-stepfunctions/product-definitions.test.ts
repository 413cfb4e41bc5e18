/**
 * The product's own state machines (`statemachines/*.asl.json` with their substitutions) run on the
 * local Step Functions service: every one is accepted, and the order lifecycle goes through its
 * callbacks, the payment timeout on the local clock, the conditional DynamoDB update and completion.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { stateMachineById, stateMachines, type StateMachineDefinition } from '../../../lib/definitions/state-machines';
import type { LocalStateMachineDefinition } from '../../../local-aws/stepfunctions/service';
import { ACCOUNT, Harness, REGION, waitFor, waitForStatus } from './harness';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

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

function tokenOf(h: Harness, functionName: string, call = 1): Promise<string> {
  return waitFor(`${functionName} token`, () => (h.callsOf(functionName)[call - 1]?.payload as { taskToken?: string } | undefined)?.taskToken);
}

describe('product state machines', () => {
  it('are all accepted by the local service', async () => {
    harness = await Harness.start({ machines: [], definitions: stateMachines.map(localDefinition), lambdas: {} });
    for (const machine of stateMachines) {
      expect(harness.service.stateMachineArn(machine.name)).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${machine.name}`);
    }
  });

  it('runs the order lifecycle: credit check and first wait in one step, two partial shipments each invoiced and emailed, a settlement that leaves an invoice open, the one that completes the order', async () => {
    let settlementCalls = 0;
    let completeCalls = 0;
    harness = await Harness.start({
      machines: [],
      definitions: stateMachines.map(localDefinition),
      lambdas: {
        // Credit approved: the same step keeps the token until the first shipment.
        CheckCredit: () => ({ waiting: true }),
        WaitForShipment: () => ({ waiting: true }),
        IssueInvoice: (payload) => {
          const { shipmentId } = payload as { shipmentId: string };
          return { invoiceId: `INV-${shipmentId}`, number: `2026-${shipmentId}`, dueDate: '2026-12-31', messageId: `m-${shipmentId}`, sentAt: '2026-12-01T00:00:00.000Z', orderFullyShipped: shipmentId === 'S-2', secondsUntilNextCheck: 30 * 86_400 };
        },
        // The first shipment was partial: the settlement wait sends the order to the next shipment.
        WaitForOrderSettlement: () => {
          if (settlementCalls++ === 0) throw Object.assign(new Error('Order ORD-1 has lines not yet shipped or invoiced'), { name: 'OrderNotFullyShipped' });
          return { waiting: true };
        },
        CompleteOrder: () => {
          completeCalls += 1;
          throw Object.assign(new Error('Invoice INV-S-2 still has a balance'), { name: 'InvoiceNotSettled' });
        },
      },
    });
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('OrderLifecycle'), name: 'order-ORD-1', input: JSON.stringify({ orderId: 'ORD-1' }) }),
    );
    expect(harness.callsOf('CheckCredit')[0]?.payload).toEqual({ execution: { orderId: 'ORD-1' }, taskToken: expect.any(String) });
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: await tokenOf(harness, 'CheckCredit'), output: JSON.stringify({ shipmentId: 'S-1' }) }));
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: await tokenOf(harness, 'WaitForShipment'), output: JSON.stringify({ shipmentId: 'S-2' }) }));
    const settlement = await tokenOf(harness, 'WaitForOrderSettlement', 2);
    expect(harness.callsOf('IssueInvoice').map((c) => c.payload)).toEqual([
      { orderId: 'ORD-1', shipmentId: 'S-1' },
      { orderId: 'ORD-1', shipmentId: 'S-2' },
    ]);
    // The order tracks its invoices itself: no settlement execution per invoice.
    expect((await harness.client.send(new ListExecutionsCommand({ stateMachineArn: harness.arn('InvoiceSettlement') }))).executions).toEqual([]);
    // The first invoice settled, the second still open: CompleteOrder finds it and the order waits again.
    await harness.client.send(new SendTaskFailureCommand({ taskToken: settlement, error: 'InvoiceSettled', cause: 'Invoice INV-S-1 is settled' }));
    const again = await tokenOf(harness, 'WaitForOrderSettlement', 3);
    expect(completeCalls).toBe(1);
    // The payment of the last invoice completed the order: the execution ends at the settlement wait.
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: again, output: JSON.stringify({ invoiceId: 'INV-S-2', status: 'PAID', orderCompleted: true }) }));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    expect(harness.callsOf('CompleteOrder')).toHaveLength(1);
  });

  it('ends an order rejected by credit control without waiting for a shipment', async () => {
    harness = await Harness.start({
      machines: [],
      definitions: stateMachines.map(localDefinition),
      lambdas: {
        CheckCredit: () => {
          throw Object.assign(new Error('customer is blocked'), { name: 'CreditRejected' });
        },
      },
    });
    const { executionArn } = await harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('OrderLifecycle'), input: JSON.stringify({ orderId: 'ORD-2' }) }));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    expect(harness.callsOf('WaitForShipment')).toHaveLength(0);
  });

  it('settles an invoice: payment timeout on the clock, overdue update, payment, order told', async () => {
    const machine = stateMachineById('InvoiceSettlement');
    const dynamodb = new DynamoDBClient({ region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const dynamoMock = mockClient(dynamodb);
    dynamoMock.on(UpdateItemCommand).resolves({});
    harness = await Harness.start({
      machines: [],
      definitions: [localDefinition(machine)],
      dynamodb,
      lambdas: {
        WaitForPayment: () => ({ waiting: true }),
        RecordInvoiceSettled: () => ({ openInvoices: 0 }),
        EndDunningEscalation: () => ({ ended: false }),
      },
    });
    const startMs = harness.clock.nowMs();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({
        stateMachineArn: harness.arn(machine.name),
        input: JSON.stringify({ invoiceId: 'INV-1', orderId: 'ORD-1', overdueAt: '2027-01-01T00:00:00.000Z', secondsUntilOverdue: 30 * 86_400 }),
      }),
    );
    await tokenOf(harness, 'WaitForPayment');

    // No payment within secondsUntilOverdue: the wait times out, the invoice is marked overdue.
    await harness.clock.advanceTo(new Date(startMs + 30 * 86_400_000 + 1000));
    const secondWait = await tokenOf(harness, 'WaitForPayment', 2);
    const update = dynamoMock.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(update?.TableName).toBe('local-Invoices');
    expect(update?.Key).toEqual({ invoiceId: { S: 'INV-1' } });

    await harness.client.send(new SendTaskSuccessCommand({ taskToken: secondWait, output: JSON.stringify({ paid: true }) }));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    expect(harness.callsOf('RecordInvoiceSettled').map((c) => c.payload)).toEqual([{ orderId: 'ORD-1', invoiceId: 'INV-1' }]);
  });
});
