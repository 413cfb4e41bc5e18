import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ApiClientStore, hashApiKey, UnknownClientError } from '../../../lambdas/adapters/dynamodb/api-client-store';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const at = '2026-03-02T09:00:00.000Z';

afterEach(() => {
  ddb.reset();
});

describe('ApiClientStore', () => {
  it('keeps keys as SHA-256 hex, as before', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('creates a client with a new random key and stores only its hash, conditionally', async () => {
    ddb.on(PutCommand).resolves({});
    const store = new ApiClientStore(client, 'ApiClients');

    const { apiKey, client: created } = await store.create({ role: 'storefront', name: 'Shop A' }, at);
    const second = await store.create({ role: 'storefront' }, at);

    expect(apiKey).toMatch(/^otc_[A-Za-z0-9_-]{43}$/);
    expect(second.apiKey).not.toBe(apiKey);
    expect(created).toEqual({ clientId: expect.stringMatching(/^storefront-[0-9a-f]{12}$/), clientName: 'Shop A', role: 'storefront', createdAt: at, revokedAt: null });
    expect(second.client.clientName).toBe(second.client.clientId);
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put).toEqual({
      TableName: 'ApiClients',
      Item: { keyHash: hashApiKey(apiKey), clientId: created.clientId, clientName: 'Shop A', role: 'storefront', createdAt: at },
      ConditionExpression: 'attribute_not_exists(keyHash)',
    });
    expect(JSON.stringify(put)).not.toContain(apiKey);
  });

  it('finds an active key by its hash (consistently) and refuses a revoked or disabled one', async () => {
    const store = new ApiClientStore(client, 'ApiClients');
    ddb.on(GetCommand).resolves({});
    ddb.on(GetCommand, { Key: { keyHash: hashApiKey('live') } }).resolves({ Item: { keyHash: 'h', clientId: 'storefront-1', clientName: 'Shop', role: 'storefront', createdAt: at } });
    ddb.on(GetCommand, { Key: { keyHash: hashApiKey('revoked') } }).resolves({ Item: { keyHash: 'h', clientId: 'storefront-2', clientName: 'Old', role: 'storefront', createdAt: at, revokedAt: at } });
    ddb.on(GetCommand, { Key: { keyHash: hashApiKey('disabled') } }).resolves({ Item: { keyHash: 'h', clientName: 'legacy', role: 'finance', disabled: true } });
    ddb.on(GetCommand, { Key: { keyHash: hashApiKey('legacy') } }).resolves({ Item: { keyHash: 'h', clientName: 'legacy-shop', role: 'storefront' } });
    ddb.on(GetCommand, { Key: { keyHash: hashApiKey('odd') } }).resolves({ Item: { keyHash: 'h', clientId: 'x', clientName: 'x', role: 'admin' } });

    expect(await store.find('live')).toEqual({ clientId: 'storefront-1', clientName: 'Shop', role: 'storefront' });
    expect(await store.find('revoked')).toBeUndefined();
    expect(await store.find('disabled')).toBeUndefined();
    expect(await store.find('odd')).toBeUndefined();
    expect(await store.find('unknown')).toBeUndefined();
    // a key stored before client ids existed: its name is its id
    expect(await store.find('legacy')).toEqual({ clientId: 'legacy-shop', clientName: 'legacy-shop', role: 'storefront' });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'ApiClients', ConsistentRead: true });
  });

  it('lists id, name, role, created and revoked, oldest first, never reading a key hash', async () => {
    ddb.on(ScanCommand).resolves({
      Items: [
        { clientId: 'finance-2', clientName: 'AR', role: 'finance', createdAt: '2026-03-02T10:00:00.000Z', revokedAt: '2026-03-03T10:00:00.000Z' },
        { clientId: 'storefront-1', clientName: 'Shop', role: 'storefront', createdAt: '2026-03-01T10:00:00.000Z' },
      ],
    });
    const clients = await new ApiClientStore(client, 'ApiClients').list();
    expect(clients).toEqual([
      { clientId: 'storefront-1', clientName: 'Shop', role: 'storefront', createdAt: '2026-03-01T10:00:00.000Z', revokedAt: null },
      { clientId: 'finance-2', clientName: 'AR', role: 'finance', createdAt: '2026-03-02T10:00:00.000Z', revokedAt: '2026-03-03T10:00:00.000Z' },
    ]);
    const scan = ddb.commandCalls(ScanCommand)[0]!.args[0].input;
    expect(scan.ProjectionExpression).not.toMatch(/keyHash/);
    expect(JSON.stringify(clients)).not.toMatch(/keyHash/);
  });

  it('revokes by client id through the byClientId index, keeping the first revocation time', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ keyHash: 'hash-1', clientId: 'storefront-1' }] });
    ddb.on(UpdateCommand).resolves({ Attributes: { keyHash: 'hash-1', clientId: 'storefront-1', clientName: 'Shop', role: 'storefront', createdAt: '2026-03-01T10:00:00.000Z', revokedAt: at } });
    const revoked = await new ApiClientStore(client, 'ApiClients').revoke('storefront-1', at);
    expect(revoked).toMatchObject({ clientId: 'storefront-1', revokedAt: at });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { TableName: 'ApiClients', IndexName: 'byClientId', ExpressionAttributeValues: { ':id': 'storefront-1' } });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { Key: { keyHash: 'hash-1' }, UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)' });
  });

  it('says an unknown client is unknown', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(ScanCommand).resolves({ Items: [] });
    await expect(new ApiClientStore(client, 'ApiClients').revoke('nobody', at)).rejects.toBeInstanceOf(UnknownClientError);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('registers a development key active with a fixed id, keeping its first creation time', async () => {
    ddb.on(UpdateCommand).resolves({});
    await new ApiClientStore(client, 'ApiClients').register('local-storefront-key', { clientId: 'local-storefront', clientName: 'local-storefront', role: 'storefront' }, at);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { keyHash: hashApiKey('local-storefront-key') },
      UpdateExpression: 'SET clientId = :id, clientName = :name, #role = :role, createdAt = if_not_exists(createdAt, :at) REMOVE revokedAt, disabled',
    });
  });
});
