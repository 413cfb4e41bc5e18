/**
 * Remittance advices on DynamoDB, in the Statements table under their own partition (no table of
 * their own: the stack's resource budget): `statementId = "advices"`, `sk = "advice#<adviceId>"`,
 * so the advices are one query, newest id order. An advice changes state once, conditionally:
 * waiting -> used (by the line or payment it split) or refused. A waiting advice found to fit an
 * unapplied payment records it first (`pendingPaymentId`, conditionally), so a retry goes on with it.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AdviceStore, AdviceUse, StoredAdvice } from '../../core/cash-application/advice-intake';
import type { Page } from '../../core/ports';
import { decodeCursor, encodeCursor, isConditionalCheckFailed } from './document-client';

const PARTITION = 'advices';
const keyOf = (adviceId: string) => ({ statementId: PARTITION, sk: `advice#${adviceId}` });

function adviceFromItem(item: Record<string, unknown>): StoredAdvice {
  const { statementId: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as StoredAdvice;
}

export class DynamoAdviceStore implements AdviceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { readonly statements: string },
  ) {}

  async add(advice: StoredAdvice): Promise<{ created: boolean; advice: StoredAdvice }> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tables.statements, Item: { ...advice, ...keyOf(advice.adviceId) }, ConditionExpression: 'attribute_not_exists(sk)' }));
      return { created: true, advice };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const existing = await this.get(advice.adviceId);
      if (!existing) throw error;
      return { created: false, advice: existing };
    }
  }

  async get(adviceId: string): Promise<StoredAdvice | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tables.statements, Key: keyOf(adviceId), ConsistentRead: true }));
    return result.Item ? adviceFromItem(result.Item) : undefined;
  }

  async list(limit: number, cursor?: string): Promise<Page<StoredAdvice>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tables.statements,
        KeyConditionExpression: 'statementId = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': PARTITION, ':prefix': 'advice#' },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const items = (result.Items ?? []).map(adviceFromItem);
    const next = encodeCursor(result.LastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }

  async waiting(): Promise<StoredAdvice[]> {
    const found: StoredAdvice[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tables.statements,
          KeyConditionExpression: 'statementId = :pk AND begins_with(sk, :prefix)',
          FilterExpression: '#status = :waiting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pk': PARTITION, ':prefix': 'advice#', ':waiting': 'waiting' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(result.Items ?? []).map(adviceFromItem));
      start = result.LastEvaluatedKey;
    } while (start);
    return found;
  }

  markUsed(adviceId: string, use: AdviceUse): Promise<boolean> {
    return this.leaveWaiting(adviceId, 'used', { usedBy: use });
  }

  markRefused(adviceId: string, reason: string): Promise<boolean> {
    return this.leaveWaiting(adviceId, 'refused', { refusedReason: reason });
  }

  claim(adviceId: string, paymentId: string): Promise<boolean> {
    return this.updateWhileWaiting(adviceId, {
      UpdateExpression: 'SET pendingPaymentId = :payment',
      ConditionExpression: '#status = :waiting AND (attribute_not_exists(pendingPaymentId) OR pendingPaymentId = :payment)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':payment': paymentId, ':waiting': 'waiting' },
    });
  }

  private leaveWaiting(adviceId: string, status: 'used' | 'refused', set: Record<string, unknown>): Promise<boolean> {
    const [[field, value]] = Object.entries(set) as [[string, unknown]];
    return this.updateWhileWaiting(adviceId, {
      UpdateExpression: 'SET #status = :status, #field = :value',
      ConditionExpression: '#status = :waiting',
      ExpressionAttributeNames: { '#status': 'status', '#field': field },
      ExpressionAttributeValues: { ':status': status, ':value': value, ':waiting': 'waiting' },
    });
  }

  /** One conditional update of the advice: false when its condition (the advice still waiting) fails. */
  private async updateWhileWaiting(adviceId: string, update: Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.tables.statements, Key: keyOf(adviceId), ...update }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
