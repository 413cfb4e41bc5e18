import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient, InternalServerError } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOrderStore } from '../../../lambdas/adapters/dynamodb/order-store';
import { anOrder } from '../../support/builders';

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

  it('moves the order only from the expected statuses, keeping the task token of the waiting step', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    const moved = await store.transition('O-1', ['RECEIVED', 'AWAITING_SHIPMENT'], change, { taskToken: 'token-1', requireNoShipments: true });

    // Assess
    expect(moved).toBe(true);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      TableName: 'Orders',
      Key: { orderId: 'O-1' },
      UpdateExpression: 'SET #status = :status, history = list_append(history, :change), updatedAt = :at, taskToken = :token',
      ConditionExpression: 'attribute_exists(orderId) AND #status IN (:from0, :from1) AND size(shipments) = :none',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': 'AWAITING_SHIPMENT',
        ':change': [change],
        ':at': change.at,
        ':from0': 'RECEIVED',
        ':from1': 'AWAITING_SHIPMENT',
        ':token': 'token-1',
        ':none': 0,
      },
    });
  });

  it('removes the task token when told null (cancel), and requires nothing about shipments unless told', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    await store.transition('O-1', ['INVOICED'], { status: 'COMPLETED', at: '2026-04-01T10:00:00.000Z' }, { taskToken: null });

    // Assess
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.UpdateExpression).toBe('SET #status = :status, history = list_append(history, :change), updatedAt = :at REMOVE taskToken');
    expect(input.ConditionExpression).toBe('attribute_exists(orderId) AND #status IN (:from0)');
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

  it('adds a shipment only to an order without one in an expected status', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const store = new DynamoOrderStore(client, 'Orders');
    const shipment = { shipmentId: 'S-1', shippedAt: '2026-03-03T10:00:00.000Z', carrier: null, trackingNumber: null, reportedAt: '2026-03-03T11:00:00.000Z' };

    // Act
    await store.addShipment('O-1', shipment, ['RECEIVED', 'AWAITING_SHIPMENT']);

    // Assess
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Orders',
      Key: { orderId: 'O-1' },
      UpdateExpression: 'SET shipments = list_append(shipments, :shipment), updatedAt = :now',
      ConditionExpression: 'attribute_exists(orderId) AND size(shipments) = :none AND #status IN (:s0, :s1)',
      ExpressionAttributeValues: { ':shipment': [shipment], ':now': shipment.reportedAt, ':none': 0, ':s0': 'RECEIVED', ':s1': 'AWAITING_SHIPMENT' },
    });
  });

  it('reads an order without its task token, and the token on its own', async () => {
    // Prepare
    const order = anOrder({ orderId: 'O-1' });
    ddb.on(GetCommand, { Key: { orderId: 'O-1' }, ProjectionExpression: 'taskToken' }).resolves({ Item: { taskToken: 'token-1' } });
    ddb.on(GetCommand, { Key: { orderId: 'O-1' }, ConsistentRead: true }).resolves({ Item: { ...order, taskToken: 'token-1' } });
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    const read = await store.get('O-1');
    const token = await store.taskToken('O-1');

    // Assess
    expect(read).toEqual(order);
    expect(token).toBe('token-1');
  });

  it('sums the uninvoiced orders of a customer in its currency over every page of the byCustomer index', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ totalMinor: 1_000 }, { totalMinor: 2_500 }], LastEvaluatedKey: { orderId: 'O-2' } })
      .resolvesOnce({ Items: [{ totalMinor: 500 }] });
    const store = new DynamoOrderStore(client, 'Orders');

    // Act
    const total = await store.uninvoicedTotal('C-1', 'EUR');

    // Assess
    expect(total).toBe(4_000);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: 'Orders',
      IndexName: 'byCustomer',
      KeyConditionExpression: 'customerId = :c',
      FilterExpression: '#status IN (:received, :hold, :awaiting) AND currency = :currency',
      ExpressionAttributeValues: { ':c': 'C-1', ':currency': 'EUR', ':received': 'RECEIVED', ':hold': 'CREDIT_HOLD', ':awaiting': 'AWAITING_SHIPMENT' },
    });
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: { orderId: 'O-2' } });
  });
});
