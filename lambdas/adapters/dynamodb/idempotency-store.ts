/**
 * Idempotency records: the first response to a mutating call, by key, kept 24 hours. A record is
 * claimed before the call runs (so concurrent duplicates have one effect) and completed after.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './document-client';

export interface StoredResponse {
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

export type ClaimResult =
  | { readonly outcome: 'claimed' }
  | { readonly outcome: 'completed'; readonly requestHash: string; readonly response: StoredResponse }
  | { readonly outcome: 'in-progress'; readonly requestHash: string };

const TTL_SECONDS = 24 * 60 * 60;
/** How long a claim holds when the caller does not say how long it may run. */
const DEFAULT_CLAIM_MS = 60_000;

export class IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Claims the key for a call that may run `holdMs` more (the function's remaining time): until
   * then a duplicate is told the first call is in progress; afterwards (the function died) a retry
   * may claim it again.
   */
  async claim(key: string, requestHash: string, now: Date, holdMs = DEFAULT_CLAIM_MS): Promise<ClaimResult> {
    // A claim released between our refused put and our read leaves nothing to read: try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { idempotencyKey: key, requestHash, state: 'IN_PROGRESS', claimedAt: now.getTime(), claimedUntil: now.getTime() + Math.max(1_000, holdMs), expiresAt: Math.floor(now.getTime() / 1000) + TTL_SECONDS },
            // A claim from before `claimedUntil` existed holds a minute.
            ConditionExpression: 'attribute_not_exists(idempotencyKey) OR (#state = :progress AND (claimedUntil < :now OR (attribute_not_exists(claimedUntil) AND claimedAt < :stale)))',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':progress': 'IN_PROGRESS', ':now': now.getTime(), ':stale': now.getTime() - DEFAULT_CLAIM_MS },
          }),
        );
        return { outcome: 'claimed' };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { idempotencyKey: key }, ConsistentRead: true }));
      if (!Item) continue;
      if (Item.state === 'COMPLETED') {
        return { outcome: 'completed', requestHash: String(Item.requestHash), response: Item.response as StoredResponse };
      }
      return { outcome: 'in-progress', requestHash: String(Item.requestHash) };
    }
    // Claimed and released over and over by others: report it as in progress (409, retry shortly).
    return { outcome: 'in-progress', requestHash };
  }

  async complete(key: string, response: StoredResponse): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { idempotencyKey: key },
        UpdateExpression: 'SET #state = :done, #response = :response',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: { ':done': 'COMPLETED', ':response': response },
      }),
    );
  }

  /** Releases a claim whose call failed unexpectedly, so that a retry can run. */
  async release(key: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { idempotencyKey: key } }));
  }
}
