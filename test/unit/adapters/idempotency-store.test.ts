import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient, InternalServerError } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { IdempotencyStore } from '../../../lambdas/adapters/dynamodb/idempotency-store';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const now = new Date('2026-03-02T09:00:00Z');
const response = { statusCode: 202, body: '{"orderId":"O-1"}', headers: { 'content-type': 'application/json; charset=utf-8' } };

afterEach(() => {
  ddb.reset();
});

describe('IdempotencyStore', () => {
  it('claims a new key for as long as the call may run, with a conditional put that takes over only claims whose call can no longer run, kept 24 hours', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const store = new IdempotencyStore(client, 'Idempotency');

    // Act
    const claim = await store.claim('shop|POST /orders|k-1', 'hash-1', now, 900_000);

    // Assess
    expect(claim).toEqual({ outcome: 'claimed' });
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: 'Idempotency',
      Item: { idempotencyKey: 'shop|POST /orders|k-1', requestHash: 'hash-1', state: 'IN_PROGRESS', claimedAt: now.getTime(), claimedUntil: now.getTime() + 900_000, expiresAt: now.getTime() / 1000 + 86_400 },
      ConditionExpression: 'attribute_not_exists(idempotencyKey) OR (#state = :progress AND (claimedUntil < :now OR (attribute_not_exists(claimedUntil) AND claimedAt < :stale)))',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':progress': 'IN_PROGRESS', ':now': now.getTime(), ':stale': now.getTime() - 60_000 },
    });
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  it('answers the stored response of a completed call with the same key', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { idempotencyKey: 'k', requestHash: 'hash-1', state: 'COMPLETED', response } });
    const store = new IdempotencyStore(client, 'Idempotency');

    // Act
    const claim = await store.claim('k', 'hash-1', now);

    // Assess
    expect(claim).toEqual({ outcome: 'completed', requestHash: 'hash-1', response });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'Idempotency', Key: { idempotencyKey: 'k' }, ConsistentRead: true });
  });

  it('answers in-progress, with the first request hash, while the first call still runs', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { idempotencyKey: 'k', requestHash: 'hash-1', state: 'IN_PROGRESS' } });
    const store = new IdempotencyStore(client, 'Idempotency');

    // Act
    const claim = await store.claim('k', 'hash-2', now);

    // Assess
    expect(claim).toEqual({ outcome: 'in-progress', requestHash: 'hash-1' });
  });

  it('passes errors other than a failed condition through', async () => {
    // Prepare
    const outage = new InternalServerError({ message: 'boom', $metadata: {} });
    ddb.on(PutCommand).rejects(outage);
    const store = new IdempotencyStore(client, 'Idempotency');

    // Act / Assess
    await expect(store.claim('k', 'hash-1', now)).rejects.toBe(outage);
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
  });

  it('completes a claim with the response', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const store = new IdempotencyStore(client, 'Idempotency');

    // Act
    await store.complete('k', response);

    // Assess
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      TableName: 'Idempotency',
      Key: { idempotencyKey: 'k' },
      UpdateExpression: 'SET #state = :done, #response = :response',
      ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
      ExpressionAttributeValues: { ':done': 'COMPLETED', ':response': response },
    });
  });

  it('releases a claim by deleting it', async () => {
    // Prepare
    ddb.on(DeleteCommand).resolves({});
    const store = new IdempotencyStore(client, 'Idempotency');

    // Act
    await store.release('k');

    // Assess
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, { TableName: 'Idempotency', Key: { idempotencyKey: 'k' } });
  });
});
