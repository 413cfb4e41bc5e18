/** The local usage meter counts what AWS bills: consumed capacity with its indexes, invocations at their memory, API requests, transitions. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { awsDurationEstimateMs, countStateTransitions, LocalUsage, UNMETERED_HEADER } from '../../../local-aws/usage';

const meters: LocalUsage[] = [];
afterEach(() => meters.splice(0).forEach((m) => m.uninstall()));

function aMeter(): LocalUsage {
  const meter = new LocalUsage();
  meter.install();
  meters.push(meter);
  return meter;
}

/** A DynamoDB client whose every call answers `answer` and keeps the request bodies sent. */
function dynamoAnswering(answer: Record<string, unknown>) {
  const sent: Record<string, unknown>[] = [];
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: {
      handle: async (request: { body?: unknown }) => {
        sent.push(JSON.parse(typeof request.body === 'string' ? request.body : Buffer.from(request.body as Uint8Array).toString('utf8')) as Record<string, unknown>);
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([JSON.stringify(answer)]) } };
      },
    },
  });
  return { client, sent };
}

describe('LocalUsage', () => {
  it('asks DynamoDB for the consumed capacity with indexes and counts the table and each index', async () => {
    // Prepare
    const meter = aMeter();
    const { client, sent } = dynamoAnswering({
      ConsumedCapacity: { TableName: 'local-Invoices', CapacityUnits: 9, Table: { CapacityUnits: 3 }, GlobalSecondaryIndexes: { byStatus: { CapacityUnits: 3 }, byCustomer: { CapacityUnits: 3 } } },
    });

    // Act
    await client.send(new PutItemCommand({ TableName: 'local-Invoices', Item: { invoiceId: { S: 'I-1' } } }));

    // Assess
    expect(sent[0]).toMatchObject({ ReturnConsumedCapacity: 'INDEXES' });
    expect(meter.snapshot()).toMatchObject({ writeUnits: 9, readUnits: 0, dynamodbRequests: 1 });
    expect(meter.writeUnitsByTarget()).toEqual({ Invoices: 3, 'Invoices/byStatus': 3, 'Invoices/byCustomer': 3 });
  });

  it('counts reads as read units, and keeps what the caller asked for', async () => {
    const meter = aMeter();
    const { client, sent } = dynamoAnswering({ ConsumedCapacity: { TableName: 'local-Invoices', CapacityUnits: 0.5 } });

    await client.send(new GetItemCommand({ TableName: 'local-Invoices', Key: { invoiceId: { S: 'I-1' } }, ReturnConsumedCapacity: 'TOTAL' }));

    expect(sent[0]).toMatchObject({ ReturnConsumedCapacity: 'TOTAL' });
    expect(meter.snapshot()).toMatchObject({ readUnits: 0.5, writeUnits: 0 });
  });

  it("estimates an invocation's AWS duration from its CPU time at the function's vCPU share and its AWS calls, next to its own wall time", async () => {
    // Prepare
    const meter = aMeter();
    const { client } = dynamoAnswering({ ConsumedCapacity: { TableName: 'local-Orders', CapacityUnits: 1 } });

    // Act
    await meter.invoke('WaitForShipment', 128, async () => {
      await client.send(new GetItemCommand({ TableName: 'local-Orders', Key: { orderId: { S: 'O-1' } } }));
      await client.send(new PutItemCommand({ TableName: 'local-Orders', Item: { orderId: { S: 'O-1' } } }));
    });
    await client.send(new PutItemCommand({ TableName: 'local-Orders', Item: { orderId: { S: 'O-2' } } }));

    // Assess
    // 128 MB is 128/1769 of a vCPU: 10 ms of CPU take 138.2 ms; two DynamoDB calls at 10 ms each.
    expect(awsDurationEstimateMs(10, 128, new Map([['DynamoDB', 2]]))).toBeCloseTo(158.2, 1);
    // At 1,769 MB and more the CPU time counts as it is; a service without its own figure at the default 30 ms.
    expect(awsDurationEstimateMs(10, 2048, new Map([['Other', 1]]))).toBe(40);
    const usage = meter.snapshot();
    expect(usage.lambdaInvocations).toBe(1);
    expect(usage.lambdaCpuMs).toBeGreaterThan(0);
    // At least the two calls made inside the invocation (20 ms at 0.125 GB), not the one made after it.
    const estimate = meter.lambdaGbSecondsAwsEstimateByFunction().WaitForShipment!;
    expect(estimate).toBeCloseTo(usage.lambdaGbSecondsAwsEstimate, 10);
    expect(estimate).toBeGreaterThanOrEqual(0.0025);
    expect(estimate).toBeCloseTo(((Math.ceil(awsDurationEstimateMs(usage.lambdaCpuMs, 128, new Map([['DynamoDB', 2]]))) / 1000) * 128) / 1024, 10);
    expect(meter.writeCallsByOperation()).toEqual({ 'Orders PutItem': { calls: 2, units: 2 } });
  });

  it('counts API requests, not the local routes, and nothing an unmetered request causes', async () => {
    const meter = aMeter();
    const { client } = dynamoAnswering({ ConsumedCapacity: { TableName: 'local-Orders', CapacityUnits: 1 } });
    const handling = () =>
      (async () => {
        await client.send(new PutItemCommand({ TableName: 'local-Orders', Item: { orderId: { S: 'O-1' } } }));
        meter.lambdaInvoked('PlaceOrder', 256, 100);
      })();

    await meter.request('/orders', {}, handling);
    await meter.request('/_local/clock', {}, async () => undefined);
    await meter.request('/orders/O-1', { [UNMETERED_HEADER]: '1' }, handling);

    expect(meter.snapshot()).toMatchObject({ apiRequests: 1, writeUnits: 1, dynamodbRequests: 1, lambdaInvocations: 1, lambdaGbSeconds: 0.025 });
    expect(meter.lambdaGbSecondsByFunction()).toEqual({ PlaceOrder: 0.025 });
  });

  it('bills at least a millisecond of an invocation at its configured memory', () => {
    const meter = aMeter();
    meter.lambdaInvoked('Authorizer', 1024, 0.2);
    meter.lambdaInvoked('Authorizer', 128, 1.5);
    expect(meter.snapshot().lambdaGbSeconds).toBeCloseTo(0.001 + 0.002 / 8, 10);
  });
});

describe('countStateTransitions', () => {
  it('counts the entered states of every kept execution, per state machine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'usage-'));
    try {
      mkdirSync(join(dir, 'executions', 'local-OrderLifecycle'), { recursive: true });
      mkdirSync(join(dir, 'executions', 'local-InvoiceSettlement'), { recursive: true });
      const event = (type: string) => JSON.stringify({ type, timestamp: 1 });
      writeFileSync(join(dir, 'executions', 'local-OrderLifecycle', 'x-order-1.history.jsonl'), [event('ExecutionStarted'), event('ChoiceStateEntered'), event('ChoiceStateExited'), event('TaskStateEntered'), event('SucceedStateEntered'), ''].join('\n'));
      writeFileSync(join(dir, 'executions', 'local-OrderLifecycle', 'x-order-1.json'), '{}');
      writeFileSync(join(dir, 'executions', 'local-InvoiceSettlement', 'x-s-1.history.jsonl'), [event('TaskStateEntered'), ''].join('\n'));

      expect(countStateTransitions(dir)).toEqual({ 'local-OrderLifecycle': 3, 'local-InvoiceSettlement': 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
