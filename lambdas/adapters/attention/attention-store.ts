/**
 * The attention worklist on DynamoDB: one item per execution kind and subject in the Attention
 * table (`worklist = "OPEN"` while it waits, for the sparse `openWorklist` index, oldest first),
 * and the `attention` attribute on the order or invoice (state, error, message, at) so that reading
 * the order or invoice shows why it waits. The task token is kept on the entry only.
 */
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttentionEntry, AttentionStore, AttentionSubject } from '../../core/attention/attention';
import { importProgressKey } from '../dynamodb/import-progress-store';
import { decodeCursor, encodeCursor, isConditionalCheckFailed } from '../dynamodb/document-client';

export interface AttentionTables {
  readonly attention: string;
  /** The tables of the subjects, to mark them; absent: not marked (read-only use). */
  readonly orders?: string;
  readonly invoices?: string;
  readonly statements?: string;
  readonly imports?: string;
}

/** The key of the item that shows a subject (the statement's header item, the import's progress item). */
const SUBJECT_KEYS: Record<AttentionSubject, { table: keyof Omit<AttentionTables, 'attention'>; key: (id: string) => Record<string, string> }> = {
  order: { table: 'orders', key: (id) => ({ orderId: id }) },
  invoice: { table: 'invoices', key: (id) => ({ invoiceId: id }) },
  statement: { table: 'statements', key: (id) => ({ statementId: id, sk: 'statement' }) },
  import: { table: 'imports', key: (id) => ({ importId: importProgressKey(id) }) },
};

const STORAGE_ONLY = ['taskToken', 'worklist'] as const;

function entryOf(item: Record<string, unknown>): AttentionEntry {
  const copy = { ...item };
  for (const name of STORAGE_ONLY) delete copy[name];
  return copy as unknown as AttentionEntry;
}

export class DynamoAttentionStore implements AttentionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: AttentionTables,
  ) {}

  async record(entry: Omit<AttentionEntry, 'since' | 'status' | 'occurrences'>, taskToken: string): Promise<void> {
    const { attentionId, ...fields } = entry;
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':open': 'OPEN', ':one': 1, ':zero': 0, ':token': taskToken, ':at': entry.at };
    const sets = ['#status = :open', 'worklist = :open', 'taskToken = :token', 'since = if_not_exists(since, :at)', 'occurrences = if_not_exists(occurrences, :zero) + :one'];
    for (const [key, value] of Object.entries(fields)) {
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tables.attention,
        Key: { attentionId },
        UpdateExpression: `SET ${sets.join(', ')} REMOVE retriedAt, retriedBy`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    await this.markSubject(entry.subject, entry.subjectId, {
      machine: entry.machine,
      state: entry.state,
      error: entry.error,
      message: entry.message,
      at: entry.at,
    });
  }

  async get(attentionId: string): Promise<(AttentionEntry & { taskToken?: string }) | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.attention, Key: { attentionId }, ConsistentRead: true }));
    if (!Item) return undefined;
    return { ...entryOf(Item), ...(typeof Item.taskToken === 'string' ? { taskToken: Item.taskToken } : {}) };
  }

  async listOpen(limit: number, cursor?: string): Promise<{ items: AttentionEntry[]; nextCursor?: string }> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tables.attention,
        IndexName: 'openWorklist',
        KeyConditionExpression: 'worklist = :open',
        ExpressionAttributeValues: { ':open': 'OPEN' },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const nextCursor = encodeCursor(result.LastEvaluatedKey as Record<string, unknown> | undefined);
    return { items: (result.Items ?? []).map(entryOf), ...(nextCursor ? { nextCursor } : {}) };
  }

  async markRetried(attentionId: string, taskToken: string, retriedBy: string, at: string): Promise<boolean> {
    let attributes: Record<string, unknown> | undefined;
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tables.attention,
          Key: { attentionId },
          UpdateExpression: 'SET #status = :retried, retriedAt = :at, retriedBy = :by REMOVE worklist, taskToken, since',
          ConditionExpression: 'taskToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':retried': 'RETRIED', ':at': at, ':by': retriedBy, ':token': taskToken },
          ReturnValues: 'ALL_NEW',
        }),
      );
      attributes = result.Attributes;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
    const subject = (typeof attributes?.subject === 'string' && attributes.subject in SUBJECT_KEYS ? attributes.subject : 'invoice') as AttentionSubject;
    await this.clearSubject(subject, String(attributes?.subjectId ?? ''), String(attributes?.machine ?? ''));
    return true;
  }

  private subjectTable(subject: AttentionSubject, subjectId: string): { table: string; key: Record<string, string> } | undefined {
    const target = SUBJECT_KEYS[subject];
    const table = this.tables[target.table];
    return table ? { table, key: target.key(subjectId) } : undefined;
  }

  private async markSubject(subject: AttentionSubject, subjectId: string, attention: Record<string, unknown>): Promise<void> {
    const target = this.subjectTable(subject, subjectId);
    if (!target) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: target.table,
          Key: target.key,
          UpdateExpression: 'SET attention = :attention',
          ConditionExpression: 'attribute_exists(#key)',
          ExpressionAttributeNames: { '#key': Object.keys(target.key)[0]! },
          ExpressionAttributeValues: { ':attention': attention },
        }),
      );
    } catch (error) {
      // The order or invoice does not exist (the failure may be just that): the worklist entry says it all.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  private async clearSubject(subject: AttentionSubject, subjectId: string, machine: string): Promise<void> {
    const target = subjectId ? this.subjectTable(subject, subjectId) : undefined;
    if (!target) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: target.table,
          Key: target.key,
          UpdateExpression: 'REMOVE attention',
          ConditionExpression: 'attention.machine = :machine',
          ExpressionAttributeValues: { ':machine': machine },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
