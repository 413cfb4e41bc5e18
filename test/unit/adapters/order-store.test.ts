import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient, InternalServerError } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOrderStore } from '../../../lambdas/adapters/dynamodb/order-store';
import { anOrder, aShipment } from '../../support/builders';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));

afterEach(() => {
  ddb.reset();
});

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const change = { status: 'AWAITING_SHIPMENT' as const, at: '2026-03-02T09:00:00.000Z' };

describe('DynamoOrderStore', () => {
  it('creates an order only if its id is new; false when it exists', async () => {
    // Prepare
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const store = new DynamoOrderStore(client, 'Orders');
    const order = anOrder({ orderId: 'O-1' });

    // Act
    const [first, second] = [await store.create(order), await store.create(order)];

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { TableName: 'Orders', Item: order, ConditionExpression: 'attribute_not_exists(orderId)' });
  });

  it('moves the order only from the expected statuses, keeping the task token and what it waits for', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    const moved = await store.transition('O-1', ['RECEIVED', 'AWAITING_SHIPMENT'], change, { wait: { taskToken: 'token-1', waitingFor: 'shipment' }, requireNoPendingShipments: true });

    // Assess
    expect(moved).toBe(true);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      TableName: 'Orders',
      Key: { orderId: 'O-1' },
      UpdateExpression: 'SET #status = :status, history = list_append(history, :change), updatedAt = :at, taskToken = :token, waitingFor = :waitingFor',
      ConditionExpression: 'attribute_exists(orderId) AND #status IN (:from0, :from1) AND pendingShipments = :zero',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': 'AWAITING_SHIPMENT',
        ':change': [change],
        ':at': change.at,
        ':from0': 'RECEIVED',
        ':from1': 'AWAITING_SHIPMENT',
        ':token': 'token-1',
        ':waitingFor': 'shipment',
        ':zero': 0,
      },
    });
  });

  it('requires no shipment at all when told (cancel), and touches no token nor shipments unless told', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    await store.transition('O-1', ['RECEIVED', 'CREDIT_HOLD'], { status: 'CANCELLED', at: '2026-03-02T10:00:00.000Z' }, { requireNoShipments: true });
    await store.transition('O-1', ['INVOICED'], { status: 'COMPLETED', at: '2026-04-01T10:00:00.000Z' });

    // Assess
    const [cancel, complete] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(cancel?.UpdateExpression).toBe('SET #status = :status, history = list_append(history, :change), updatedAt = :at');
    expect(cancel?.ConditionExpression).toBe('attribute_exists(orderId) AND #status IN (:from0, :from1) AND size(shipments) = :none');
    expect(cancel?.ExpressionAttributeValues).toMatchObject({ ':none': 0 });
    expect(complete?.UpdateExpression).toBe('SET #status = :status, history = list_append(history, :change), updatedAt = :at');
    expect(complete?.ConditionExpression).toBe('attribute_exists(orderId) AND #status IN (:from0)');
    expect(Object.keys(complete?.ExpressionAttributeValues ?? {})).not.toContain(':token');
  });

  it('answers false when the order is not in an expected status, and passes other errors through', async () => {
    // Prepare
    const outage = new InternalServerError({ message: 'boom', $metadata: {} });
    ddb.on(UpdateCommand, { Key: { orderId: 'O-moved' } }).rejects(conditionFailed());
    ddb.on(UpdateCommand, { Key: { orderId: 'O-down' } }).rejects(outage);
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    const moved = await store.transition('O-moved', ['RECEIVED'], change);
    const failed = store.transition('O-down', ['RECEIVED'], change);

    // Assess
    expect(moved).toBe(false);
    await expect(failed).rejects.toBe(outage);
  });

  it('adds a shipment only at the version read and in an expected status, counting it pending and bumping the version', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const store = new DynamoOrderStore(client, 'Orders');
    const shipment = aShipment({ shipmentId: 'S-1', lines: [{ lineNo: 1, sku: 'SKU-1', quantity: 2 }] });

    // Act
    const added = await store.addShipment('O-1', shipment, ['RECEIVED', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED'], 3);
    const stale = await store.addShipment('O-1', shipment, ['RECEIVED', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED'], 3);

    // Assess
    expect([added, stale]).toEqual([true, false]);
    expect(ddb).toHaveReceivedNthCommandWith(UpdateCommand, 1, {
      TableName: 'Orders',
      Key: { orderId: 'O-1' },
      UpdateExpression: 'SET shipments = list_append(shipments, :shipment), updatedAt = :now ADD pendingShipments :one, version :one',
      ConditionExpression: 'attribute_exists(orderId) AND version = :version AND #status IN (:s0, :s1, :s2)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':shipment': [shipment],
        ':now': shipment.reportedAt,
        ':one': 1,
        ':version': 3,
        ':s0': 'RECEIVED',
        ':s1': 'AWAITING_SHIPMENT',
        ':s2': 'PARTIALLY_SHIPPED',
      },
    });
  });

  it('reads an order without its storage-only attributes, and the token only for what the execution waits for', async () => {
    // Prepare
    const order = anOrder({ orderId: 'O-1' });
    ddb.on(GetCommand, { Key: { orderId: 'O-1' }, ProjectionExpression: 'taskToken, waitingFor' }).resolves({ Item: { taskToken: 'token-1', waitingFor: 'credit-decision' } });
    ddb.on(GetCommand, { Key: { orderId: 'O-1' }, ConsistentRead: true }).resolves({ Item: { ...order, taskToken: 'token-1', waitingFor: 'credit-decision', settledInvoiceIds: new Set(['O-1-I1']) } });
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    const read = await store.get('O-1');
    const creditToken = await store.taskToken('O-1', 'credit-decision');
    const shipmentToken = await store.taskToken('O-1', 'shipment');

    // Assess
    expect(read).toEqual(order);
    expect(creditToken).toBe('token-1');
    expect(shipmentToken).toBeUndefined();
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'Orders', Key: { orderId: 'O-1' }, ConsistentRead: true, ProjectionExpression: 'taskToken, waitingFor' });
  });

  it('keeps a waiting token only while the order is in the status the step waits in', async () => {
    // Prepare
    ddb.on(UpdateCommand, { Key: { orderId: 'O-hold' } }).resolves({});
    ddb.on(UpdateCommand, { Key: { orderId: 'O-decided' } }).rejects(conditionFailed());
    const store = new DynamoOrderStore(client, 'Orders');
    const wait = { taskToken: 'token-1', waitingFor: 'credit-decision' as const };

    // Act
    const results = [await store.waitInStatus('O-hold', 'CREDIT_HOLD', wait), await store.waitInStatus('O-decided', 'CREDIT_HOLD', wait)];

    // Assess
    expect(results).toEqual([true, false]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Orders',
      Key: { orderId: 'O-hold' },
      UpdateExpression: 'SET taskToken = :token, waitingFor = :waitingFor',
      ConditionExpression: 'attribute_exists(orderId) AND #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':token': 'token-1', ':waitingFor': 'credit-decision', ':status': 'CREDIT_HOLD' },
    });
  });

  it('keeps the settlement token only while an invoice of the order is open', async () => {
    // Prepare
    ddb.on(UpdateCommand, { Key: { orderId: 'O-open' } }).resolves({});
    ddb.on(UpdateCommand, { Key: { orderId: 'O-settled' } }).rejects(conditionFailed());
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    const results = [await store.waitForSettlement('O-open', 'token-9'), await store.waitForSettlement('O-settled', 'token-9')];

    // Assess
    expect(results).toEqual([true, false]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Orders',
      Key: { orderId: 'O-open' },
      UpdateExpression: 'SET taskToken = :token, waitingFor = :settlement',
      ConditionExpression: 'attribute_exists(orderId) AND openInvoiceCount > :zero',
      ExpressionAttributeValues: { ':token': 'token-9', ':settlement': 'settlement', ':zero': 0 },
    });
  });

  it('counts a settled invoice once, answering what is still open and the settlement token from the new item', async () => {
    // Prepare
    ddb
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { orderId: 'O-1', openInvoiceCount: 1, taskToken: 'token-ship', waitingFor: 'shipment' } })
      .resolvesOnce({ Attributes: { orderId: 'O-1', openInvoiceCount: 0, taskToken: 'token-settle', waitingFor: 'settlement' } })
      .rejectsOnce(conditionFailed());
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    const first = await store.recordInvoiceSettled('O-1', 'O-1-I1');
    const last = await store.recordInvoiceSettled('O-1', 'O-1-I2');
    const again = await store.recordInvoiceSettled('O-1', 'O-1-I2');

    // Assess
    expect(first).toEqual({ openInvoiceCount: 1, settlementToken: undefined });
    expect(last).toEqual({ openInvoiceCount: 0, settlementToken: 'token-settle' });
    expect(again).toBeUndefined();
    expect(ddb).toHaveReceivedNthCommandWith(UpdateCommand, 1, {
      TableName: 'Orders',
      Key: { orderId: 'O-1' },
      UpdateExpression: 'ADD openInvoiceCount :minusOne, settledInvoiceIds :invoice',
      ConditionExpression: 'attribute_exists(orderId) AND NOT contains(settledInvoiceIds, :id)',
      ExpressionAttributeValues: { ':minusOne': -1, ':invoice': new Set(['O-1-I1']), ':id': 'O-1-I1' },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('passes errors other than a failed condition through when counting a settled invoice', async () => {
    // Prepare
    const outage = new InternalServerError({ message: 'boom', $metadata: {} });
    ddb.on(UpdateCommand).rejects(outage);
    const store = new DynamoOrderStore(client, 'Orders');

    // Act / Assess
    await expect(store.recordInvoiceSettled('O-1', 'O-1-I1')).rejects.toBe(outage);
  });

  it('discards only a RECEIVED order without invoices', async () => {
    // Prepare
    ddb.on(DeleteCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    const results = [await store.discard('O-1'), await store.discard('O-2')];

    // Assess
    expect(results).toEqual([true, false]);
    expect(ddb).toHaveReceivedNthCommandWith(DeleteCommand, 1, {
      TableName: 'Orders',
      Key: { orderId: 'O-1' },
      ConditionExpression: '#status = :received AND size(invoiceIds) = :none',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':received': 'RECEIVED', ':none': 0 },
    });
  });

  it('sums what is not yet invoiced of the accepted orders of a customer in its currency over every page of the byCustomer index', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ totalMinor: 1_000, invoicedMinor: 0 }, { totalMinor: 2_500, invoicedMinor: 1_000 }], LastEvaluatedKey: { orderId: 'O-2' } })
      .resolvesOnce({ Items: [{ totalMinor: 500 }] });
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    const total = await store.uninvoicedTotal('C-1', 'EUR');

    // Assess
    expect(total).toBe(1_000 + 1_500 + 500);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: 'Orders',
      IndexName: 'byCustomer',
      KeyConditionExpression: 'customerId = :c',
      FilterExpression: '#status IN (:received, :awaiting, :partially) AND currency = :currency',
      ProjectionExpression: 'totalMinor, invoicedMinor',
      ExpressionAttributeValues: { ':c': 'C-1', ':currency': 'EUR', ':received': 'RECEIVED', ':awaiting': 'AWAITING_SHIPMENT', ':partially': 'PARTIALLY_SHIPPED' },
    });
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: { orderId: 'O-2' } });
  });
});
