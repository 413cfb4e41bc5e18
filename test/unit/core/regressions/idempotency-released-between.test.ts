import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { IdempotencyStore } from '../../../../lambdas/adapters/dynamodb/idempotency-store';
import { apiEvent, lambdaContext, stubHandlerEnvironment } from '../../../support/api-events';
import { inMemoryWorld } from '../../../support/in-memory';
import { aCustomer, orderRequest } from '../../../support/builders';

const ddb = mockClient(DynamoDBDocumentClient);
let placeOrderModule: typeof import('../../../../lambdas/handlers/api/place-order');
beforeAll(async () => { stubHandlerEnvironment(); placeOrderModule = await import('../../../../lambdas/handlers/api/place-order'); });
afterAll(() => vi.unstubAllEnvs());
afterEach(() => ddb.reset());

describe('a claim released between the conditional put and the read', () => {
  it('does not call the same body a different one', async () => {
    // Prepare: the first call failed with a 5xx and released its claim just after our put was refused
    ddb.on(PutCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} })).resolves({});
    ddb.on(GetCommand).resolves({});
    const world = inMemoryWorld();
    world.customers.seed(aCustomer());
    const store = new IdempotencyStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' })), 'Idempotency');
    const handler = placeOrderModule.makeHandler(world.deps, { idempotency: { store, clock: world.clock } });

    // Act
    const response = await handler(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'k-1' }), lambdaContext);

    // Assess
    expect(response.statusCode).not.toBe(422);
  });
});
