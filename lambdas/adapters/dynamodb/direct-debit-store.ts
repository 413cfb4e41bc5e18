/**
 * SEPA on DynamoDB (the DirectDebits table): mandates (`pk mandate#<mandateId>`, `sk mandate`;
 * the pk makes the mandate reference unique per creditor), listed per customer (`listKey
 * customer#<customerId>`) and, while ACTIVE, in the sparse `activeMandates` index; collection files
 * (`pk file#<fileId>`, `sk file`, with their transactions) listed newest first (`listKey files`).
 * One mapper each way, used by this store and by the posting writer.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../core/events/catalogue';
import { outboxPuts } from './outbox';
import type { Mandate } from '../../core/sepa/mandate';
import type { CollectionFile } from '../../core/sepa/collection';
import type { Refund } from '../../core/sepa/refunds';
import { MandateExistsError, type DirectDebitStore } from '../../core/sepa/ports';
import { ConcurrentUpdateError, type Page } from '../../core/ports';
import { indexName } from '../../../lib/definitions/tables';
import { cancellationCodes, decodeCursor, encodeCursor, isConditionalCheckFailed, withoutAttributes } from './document-client';
import { queryAll } from './batch';

const KEYS = ['pk', 'sk', 'listKey', 'listSort', 'activeList'] as const;
const BY_LIST = indexName('DirectDebits', 'byList');
const ACTIVE = indexName('DirectDebits', 'activeMandates');

export function mandateItem(mandate: Mandate): Record<string, unknown> {
  return {
    ...mandate,
    pk: `mandate#${mandate.mandateId}`,
    sk: 'mandate',
    listKey: `customer#${mandate.customerId}`,
    listSort: `${mandate.createdAt}#${mandate.mandateId}`,
    ...(mandate.status === 'ACTIVE' ? { activeList: 'active' } : {}),
  };
}

export function collectionFileItem(file: CollectionFile): Record<string, unknown> {
  return { ...file, pk: `file#${file.fileId}`, sk: 'file', listKey: 'files', listSort: `${file.createdAt}#${file.fileId}` };
}

export function refundItem(refund: Refund): Record<string, unknown> {
  return { ...refund, pk: `refund#${refund.refundId}`, sk: 'refund', listKey: `refunds#${refund.customerId}`, listSort: `${refund.createdAt}#${refund.refundId}` };
}

/** The put of a changed mandate: only if it is still as read (its history as long as then). */
export function mandateWrite(tableName: string, before: Mandate, after: Mandate) {
  return {
    TableName: tableName,
    Item: mandateItem(after),
    ConditionExpression: 'size(history) = :n',
    ExpressionAttributeValues: { ':n': before.history.length },
  };
}

const strip = <T>(item: Record<string, unknown>): T => withoutAttributes<T>(item, ...KEYS);

export class DynamoDirectDebitStore implements DirectDebitStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Where the events of a mandate's change go (the outbox, same transaction); needed where mandates change. */
    private readonly outboxTable?: string,
  ) {}

  async mandate(mandateId: string): Promise<Mandate | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `mandate#${mandateId}`, sk: 'mandate' }, ConsistentRead: true }));
    return Item ? strip<Mandate>(Item) : undefined;
  }

  async mandatesOf(customerId: string): Promise<Mandate[]> {
    const items = await queryAll(this.db, { TableName: this.tableName, IndexName: BY_LIST, KeyConditionExpression: 'listKey = :k', ExpressionAttributeValues: { ':k': `customer#${customerId}` } });
    return items.map((i) => strip<Mandate>(i));
  }

  async activeMandates(): Promise<Mandate[]> {
    const items = await queryAll(this.db, { TableName: this.tableName, IndexName: ACTIVE, KeyConditionExpression: 'activeList = :a', ExpressionAttributeValues: { ':a': 'active' } });
    return items.map((i) => strip<Mandate>(i));
  }

  async createMandate(mandate: Mandate, events: readonly DomainEvent[] = []): Promise<void> {
    try {
      await this.write({ TableName: this.tableName, Item: mandateItem(mandate), ConditionExpression: 'attribute_not_exists(pk)' }, events);
    } catch (error) {
      if (isConditionalCheckFailed(error) || cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') throw new MandateExistsError(mandate.mandateId);
      throw error;
    }
  }

  async saveMandate(before: Mandate, after: Mandate, events: readonly DomainEvent[] = []): Promise<void> {
    try {
      await this.write(mandateWrite(this.tableName, before, after), events);
    } catch (error) {
      if (isConditionalCheckFailed(error) || cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') throw new ConcurrentUpdateError(`Mandate ${after.mandateId}`);
      throw error;
    }
  }

  /** The put alone, or with the events it reports (the outbox) in one transaction. */
  private async write(put: { TableName: string; Item: Record<string, unknown>; ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> }, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) {
      await this.db.send(new PutCommand(put));
      return;
    }
    await this.db.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...outboxPuts(this.outboxTable, events)] }));
  }

  async collectionFile(fileId: string): Promise<CollectionFile | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `file#${fileId}`, sk: 'file' }, ConsistentRead: true }));
    return Item ? strip<CollectionFile>(Item) : undefined;
  }

  async refund(refundId: string): Promise<Refund | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `refund#${refundId}`, sk: 'refund' }, ConsistentRead: true }));
    return Item ? strip<Refund>(Item) : undefined;
  }

  async listCollectionFiles(limit: number, cursor?: string): Promise<Page<CollectionFile>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_LIST,
        KeyConditionExpression: 'listKey = :k',
        ExpressionAttributeValues: { ':k': 'files' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const items = (result.Items ?? []).map((i) => strip<CollectionFile>(i));
    const next = encodeCursor(result.LastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }
}
