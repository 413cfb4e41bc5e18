/** API credentials, stored by SHA-256 of the key (the key itself is never stored). */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../../../lib/definitions/routes';

export interface ApiClient {
  readonly clientName: string;
  readonly role: Role;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export class ApiClientStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(apiKey: string): Promise<ApiClient | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { keyHash: hashApiKey(apiKey) } }));
    if (!Item || (Item.role !== 'storefront' && Item.role !== 'finance') || Item.disabled === true) return undefined;
    return { clientName: String(Item.clientName), role: Item.role };
  }

  async register(apiKey: string, client: ApiClient): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { keyHash: hashApiKey(apiKey), ...client } }));
  }
}
