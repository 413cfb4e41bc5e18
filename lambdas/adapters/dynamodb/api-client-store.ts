/**
 * API clients and their credentials in the ApiClients table. One item per key, keyed by the
 * SHA-256 of the key: the key itself is never stored, and is shown once when it is created. Each
 * client has an id (the owner of what a storefront registers), a name, a role, when it was created
 * and, once revoked, when. A revoked key is refused from the next look-up on (API Gateway may
 * answer from its authorizer cache for up to its TTL, at most 60 s).
 */
import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../../../lib/definitions/routes';
import { indexName } from '../../../lib/definitions/tables';
import { scanAll } from './batch';
import { isConditionalCheckFailed } from './document-client';

const BY_CLIENT_ID = indexName('ApiClients', 'byClientId');

export interface ApiClient {
  readonly clientId: string;
  readonly clientName: string;
  readonly role: Role;
}

/** A client as `list` shows it: never the key, never its hash. */
export interface ApiClientRecord extends ApiClient {
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key: 32 random bytes, URL-safe, with a prefix that says what it is. */
export function newApiKey(): string {
  return `otc_${randomBytes(32).toString('base64url')}`;
}

/** A new client id: the role and 12 random hex digits (`storefront-3f9a0c1d2e4b`). */
export function newClientId(role: Role): string {
  return `${role}-${randomBytes(6).toString('hex')}`;
}

const isRole = (value: unknown): value is Role => value === 'storefront' || value === 'finance';

/** The client of a stored item; items stored before client ids existed use their name as the id. */
function clientOf(item: Record<string, unknown>): ApiClientRecord | undefined {
  if (!isRole(item.role)) return undefined;
  const clientName = String(item.clientName ?? '');
  const clientId = typeof item.clientId === 'string' && item.clientId !== '' ? item.clientId : clientName;
  if (!clientId) return undefined;
  const revokedAt = typeof item.revokedAt === 'string' ? item.revokedAt : item.disabled === true ? 'unknown' : null;
  return { clientId, clientName, role: item.role, createdAt: typeof item.createdAt === 'string' ? item.createdAt : '', revokedAt };
}

export class UnknownClientError extends Error {
  constructor(readonly clientId: string) {
    super(`No API client ${clientId}`);
    this.name = 'UnknownClientError';
  }
}

export class ApiClientStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The client of a key that is known and not revoked. */
  async find(apiKey: string): Promise<ApiClient | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { keyHash: hashApiKey(apiKey) }, ConsistentRead: true }));
    const client = Item ? clientOf(Item) : undefined;
    if (!client || client.revokedAt !== null) return undefined;
    return { clientId: client.clientId, clientName: client.clientName, role: client.role };
  }

  /**
   * Registers a key chosen by the caller (the local development keys), active, with a fixed client
   * id; registering it again re-activates it and keeps its creation time.
   */
  async register(apiKey: string, client: ApiClient, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { keyHash: hashApiKey(apiKey) },
        UpdateExpression: 'SET clientId = :id, clientName = :name, #role = :role, createdAt = if_not_exists(createdAt, :at) REMOVE revokedAt, disabled',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':id': client.clientId, ':name': client.clientName, ':role': client.role, ':at': at },
      }),
    );
  }

  /** Creates a client with a new random key; the key is returned once and only its hash is stored. */
  async create(request: { role: Role; name?: string | undefined }, at: string): Promise<{ apiKey: string; client: ApiClientRecord }> {
    const apiKey = newApiKey();
    const clientId = newClientId(request.role);
    const client: ApiClientRecord = { clientId, clientName: request.name?.trim() || clientId, role: request.role, createdAt: at, revokedAt: null };
    const { revokedAt: _none, ...stored } = client;
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { keyHash: hashApiKey(apiKey), ...stored }, ConditionExpression: 'attribute_not_exists(keyHash)' }));
    return { apiKey, client };
  }

  /** Every client, oldest first: id, name, role, created, revoked; never a key or a hash. */
  async list(): Promise<ApiClientRecord[]> {
    const items = await scanAll(this.db, {
      TableName: this.tableName,
      ProjectionExpression: 'clientId, clientName, #role, createdAt, revokedAt, disabled',
      ExpressionAttributeNames: { '#role': 'role' },
    });
    return items
      .map(clientOf)
      .filter((c): c is ApiClientRecord => c !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.clientId.localeCompare(b.clientId));
  }

  /**
   * Revokes every key of the client (a client has one key; a re-registered one may have had more).
   * Revoking a revoked client keeps the first time. Throws {@link UnknownClientError} for an unknown id.
   */
  async revoke(clientId: string, at: string): Promise<ApiClientRecord> {
    const { Items } = await this.db.send(
      new QueryCommand({ TableName: this.tableName, IndexName: BY_CLIENT_ID, KeyConditionExpression: 'clientId = :id', ExpressionAttributeValues: { ':id': clientId } }),
    );
    const keys = (Items ?? []).map((item) => String(item.keyHash));
    if (keys.length === 0) {
      // A key stored before client ids existed is known by its name (see `clientOf`).
      const legacy = await scanAll(this.db, {
        TableName: this.tableName,
        FilterExpression: 'clientName = :id AND attribute_not_exists(clientId)',
        ProjectionExpression: 'keyHash',
        ExpressionAttributeValues: { ':id': clientId },
      });
      keys.push(...legacy.map((item) => String(item.keyHash)));
    }
    if (keys.length === 0) throw new UnknownClientError(clientId);
    let revoked: ApiClientRecord | undefined;
    for (const keyHash of keys) {
      try {
        const { Attributes } = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { keyHash },
            UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
            ConditionExpression: 'attribute_exists(keyHash)',
            ExpressionAttributeValues: { ':at': at },
            ReturnValues: 'ALL_NEW',
          }),
        );
        revoked = Attributes ? clientOf(Attributes) : revoked;
      } catch (error) {
        // The index is read eventually: an item it still lists may have gone meanwhile (never created again: only revoked).
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    if (!revoked) throw new UnknownClientError(clientId);
    return revoked;
  }
}
