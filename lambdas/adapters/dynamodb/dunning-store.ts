/**
 * The dunning store on DynamoDB.
 *
 * - Items due for action come from the Invoices index `byNextActionDate` (partition key the
 *   calendar date, sort key the invoice id): a run queries one partition per day since the last
 *   run, so its reads grow with the items due, not with the table. The index is sparse: an
 *   invoice without `nextActionDate` (paid, disputed) is not in it.
 * - A dunning change is a posting, written by the posting writer (`posting-writer.ts`): the invoice
 *   (conditional on its dunning version, balance and status), its charges item, the journal lines
 *   (each written once) and the worklist entry.
 * - DunningRuns keeps each run (`pk` the run id, `sk` `run`), its items (`item#<invoiceId>`) and
 *   letters (`letter#<customerId>`, written before sending), the letter of each SES message id
 *   (`pk` `message#<messageId>`, for bounces), the last completed day (`pk` `cursor`) and the
 *   collectors' worklist (`pk` `collections-worklist`, `sk` the invoice id).
 *
 * Every command asks for its consumed capacity; {@link DynamoDunningStore.consumed} sums it (the
 * benchmark prints it).
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { Customer } from '../../core/customers/customer';
import type { Invoice } from '../../core/invoices/invoice';
import type { Page } from '../../core/ports';
import type { DunningPolicy } from '../../core/dunning/policy';
import type { DunningRunRecord, DunningStore, LetterRecord, RunItemRecord } from '../../core/dunning/ports';
import { batchGet, batchWrite, queryAll, queryAllItems, scanAll } from './batch';
import { decodeCursor, encodeCursor, isConditionalCheckFailed, withoutAttributes } from './document-client';
import { INVOICE_INDEX, invoiceFromItem } from './invoice-item';
import { COLLECTIONS_WORKLIST } from './posting-writer';

export interface DunningTables {
  readonly invoices: string;
  readonly customers: string;
  readonly ledger: string;
  readonly policies: string;
  readonly runs: string;
}

const CURSOR = 'cursor';

export class DynamoDunningStore implements DunningStore {
  /** Capacity units consumed by this store's commands since it was built. */
  readonly consumed = { read: 0, write: 0 };
  private readonly reads = { onCapacity: (c: readonly ConsumedCapacity[]) => this.count(c, 'read') };
  private readonly writes = { onCapacity: (c: readonly ConsumedCapacity[]) => this.count(c, 'write') };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Partial<DunningTables>,
  ) {}

  private count(capacity: ConsumedCapacity | readonly ConsumedCapacity[] | undefined, kind: 'read' | 'write'): void {
    for (const c of isCapacityList(capacity) ? capacity : capacity ? [capacity] : []) {
      this.consumed[kind] += kind === 'read' ? (c.ReadCapacityUnits ?? c.CapacityUnits ?? 0) : (c.WriteCapacityUnits ?? c.CapacityUnits ?? 0);
    }
  }

  /** Sends a single-item write asking for its consumed capacity, and counts it. */
  private async write(command: PutCommand | UpdateCommand): Promise<Record<string, unknown> | undefined> {
    command.input.ReturnConsumedCapacity = 'TOTAL';
    const result = await this.db.send(command as UpdateCommand);
    this.count(result.ConsumedCapacity, 'write');
    return result.Attributes;
  }

  private table(name: keyof DunningTables): string {
    const value = this.tables[name];
    if (!value) throw new Error(`The dunning store was built without the ${name} table`);
    return value;
  }

  // --- policies -------------------------------------------------------------------------------

  async listPolicies(): Promise<DunningPolicy[]> {
    return (await scanAll(this.db, { TableName: this.table('policies'), ConsistentRead: true }, this.reads)) as unknown as DunningPolicy[];
  }

  async putPolicy(policy: DunningPolicy): Promise<void> {
    await this.write(new PutCommand({ TableName: this.table('policies'), Item: policy }));
  }

  // --- items ----------------------------------------------------------------------------------

  async itemsDueOn(date: string, cursor?: string): Promise<Page<{ invoiceId: string }>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table('invoices'),
        IndexName: INVOICE_INDEX.byNextActionDate,
        KeyConditionExpression: 'nextActionDate = :d',
        ExpressionAttributeValues: { ':d': date },
        // Only the key: the run reads each item consistently afterwards (the index lags).
        ProjectionExpression: 'invoiceId',
        Limit: 1000,
        ExclusiveStartKey: decodeCursor(cursor),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.count(result.ConsumedCapacity, 'read');
    const items = (result.Items ?? []).map((i) => ({ invoiceId: String(i.invoiceId) }));
    const next = encodeCursor(result.LastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }

  async invoices(invoiceIds: readonly string[]): Promise<Map<string, Invoice>> {
    const items = await batchGet(this.db, this.table('invoices'), invoiceIds.map((invoiceId) => ({ invoiceId })), this.reads);
    return new Map(items.map((i) => [String(i.invoiceId), invoiceFromItem(i)]));
  }

  async customers(customerIds: readonly string[]): Promise<Map<string, Customer>> {
    const items = await batchGet(this.db, this.table('customers'), customerIds.map((customerId) => ({ customerId })), this.reads);
    return new Map(items.map((i) => [String(i.customerId), i as unknown as Customer]));
  }

  async invoicesOfCustomer(customerId: string): Promise<Invoice[]> {
    const items = await queryAllItems(
      this.db,
      { TableName: this.table('invoices'), IndexName: INVOICE_INDEX.byCustomer, KeyConditionExpression: 'customerId = :c', ExpressionAttributeValues: { ':c': customerId } },
      'invoiceId',
      this.reads,
    );
    return items.map(invoiceFromItem);
  }

  // --- runs -----------------------------------------------------------------------------------

  async getRun(runId: string): Promise<DunningRunRecord | undefined> {
    const { Item, ConsumedCapacity } = await this.db.send(new GetCommand({ TableName: this.table('runs'), Key: { pk: runId, sk: 'run' }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    this.count(ConsumedCapacity, 'read');
    return Item ? withoutAttributes<DunningRunRecord>(Item, 'pk', 'sk') : undefined;
  }

  async startRun(run: DunningRunRecord): Promise<{ run: DunningRunRecord; created: boolean }> {
    try {
      await this.write(new PutCommand({ TableName: this.table('runs'), Item: { pk: run.runId, sk: 'run', ...run }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return { run, created: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const Attributes = await this.write(
      new UpdateCommand({
        TableName: this.table('runs'),
        Key: { pk: run.runId, sk: 'run' },
        UpdateExpression: 'SET #status = :running ADD attempts :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'RUNNING', ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { run: withoutAttributes<DunningRunRecord>(Attributes ?? {}, 'pk', 'sk'), created: false };
  }

  async finishRun(run: DunningRunRecord): Promise<void> {
    await this.write(new PutCommand({ TableName: this.table('runs'), Item: { pk: run.runId, sk: 'run', ...run } }));
    if (run.dryRun) return;
    try {
      await this.write(
        new UpdateCommand({
          TableName: this.table('runs'),
          Key: { pk: CURSOR, sk: CURSOR },
          UpdateExpression: 'SET lastCompletedDate = :d, runId = :r',
          ConditionExpression: 'attribute_not_exists(lastCompletedDate) OR lastCompletedDate < :d',
          ExpressionAttributeValues: { ':d': run.asOf, ':r': run.runId },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async lastCompletedRunDate(): Promise<string | null> {
    const { Item, ConsumedCapacity } = await this.db.send(new GetCommand({ TableName: this.table('runs'), Key: { pk: CURSOR, sk: CURSOR }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    this.count(ConsumedCapacity, 'read');
    return typeof Item?.lastCompletedDate === 'string' ? Item.lastCompletedDate : null;
  }

  async putRunItems(runId: string, items: readonly RunItemRecord[]): Promise<void> {
    const requests = items.map((item) => ({ PutRequest: { Item: { pk: runId, sk: `item#${item.invoiceId}`, ...item } } }));
    await batchWrite(this.db, this.table('runs'), requests, this.writes);
  }

  async runItems(runId: string): Promise<RunItemRecord[]> {
    return this.queryRun<RunItemRecord>(runId, 'item#');
  }

  private async queryRun<T>(pk: string, prefix: string | null): Promise<T[]> {
    const items = await queryAll(
      this.db,
      {
        TableName: this.table('runs'),
        KeyConditionExpression: prefix === null ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: prefix === null ? { ':pk': pk } : { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
      },
      this.reads,
    );
    return items.map((i) => withoutAttributes<T>(i, 'pk', 'sk'));
  }

  async claimLetter(letter: LetterRecord): Promise<{ claimed: true } | { claimed: false; existing: LetterRecord }> {
    const key = { pk: letter.runId, sk: `letter#${letter.customerId}` };
    try {
      await this.write(new PutCommand({ TableName: this.table('runs'), Item: { ...key, ...letter }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return { claimed: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const { Item, ConsumedCapacity } = await this.db.send(new GetCommand({ TableName: this.table('runs'), Key: key, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    this.count(ConsumedCapacity, 'read');
    return { claimed: false, existing: withoutAttributes<LetterRecord>(Item ?? {}, 'pk', 'sk') };
  }

  async retryLetter(runId: string, customerId: string, attempts: number, at: string): Promise<boolean> {
    try {
      await this.write(
        new UpdateCommand({
          TableName: this.table('runs'),
          Key: { pk: runId, sk: `letter#${customerId}` },
          UpdateExpression: 'SET #state = :sending, attempts = :attempts, updatedAt = :at',
          ConditionExpression: '#state = :failed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'SENDING', ':failed': 'FAILED', ':attempts': attempts, ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async finishLetter(runId: string, customerId: string, outcome: { state: 'SENT'; messageId: string } | { state: 'FAILED'; error: string }, at: string): Promise<void> {
    // SES feedback (bounces) names the message id: remember whose letter it was.
    if (outcome.state === 'SENT') await this.write(new PutCommand({ TableName: this.table('runs'), Item: { pk: `message#${outcome.messageId}`, sk: 'message', runId, customerId, at } }));
    await this.write(
      new UpdateCommand({
        TableName: this.table('runs'),
        Key: { pk: runId, sk: `letter#${customerId}` },
        UpdateExpression: outcome.state === 'SENT' ? 'SET #state = :state, messageId = :value, #error = :null, updatedAt = :at' : 'SET #state = :state, #error = :value, updatedAt = :at',
        ConditionExpression: '#state = :sending',
        ExpressionAttributeNames: { '#state': 'state', '#error': 'error' },
        ExpressionAttributeValues: {
          ':state': outcome.state,
          ':value': outcome.state === 'SENT' ? outcome.messageId : outcome.error,
          ':at': at,
          ':sending': 'SENDING',
          ...(outcome.state === 'SENT' ? { ':null': null } : {}),
        },
      }),
    );
  }

  letters(runId: string): Promise<LetterRecord[]> {
    return this.queryRun<LetterRecord>(runId, 'letter#');
  }

  async letterByMessageId(messageId: string): Promise<LetterRecord | undefined> {
    const { Item, ConsumedCapacity } = await this.db.send(new GetCommand({ TableName: this.table('runs'), Key: { pk: `message#${messageId}`, sk: 'message' }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    this.count(ConsumedCapacity, 'read');
    if (typeof Item?.runId !== 'string' || typeof Item.customerId !== 'string') return undefined;
    const letter = await this.db.send(new GetCommand({ TableName: this.table('runs'), Key: { pk: Item.runId, sk: `letter#${Item.customerId}` }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    this.count(letter.ConsumedCapacity, 'read');
    return letter.Item ? withoutAttributes<LetterRecord>(letter.Item, 'pk', 'sk') : undefined;
  }

  async markLetterBounced(runId: string, customerId: string, detail: string, at: string): Promise<void> {
    await this.write(
      new UpdateCommand({
        TableName: this.table('runs'),
        Key: { pk: runId, sk: `letter#${customerId}` },
        UpdateExpression: 'SET #state = :bounced, #error = :detail, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#state': 'state', '#error': 'error' },
        ExpressionAttributeValues: { ':bounced': 'BOUNCED', ':detail': detail, ':at': at },
      }),
    );
  }

  // --- escalation task tokens -----------------------------------------------------------------

  async escalationWait(invoiceId: string): Promise<{ taskToken: string; seen: number } | undefined> {
    const { Item, ConsumedCapacity } = await this.db.send(
      new GetCommand({ TableName: this.table('invoices'), Key: { invoiceId }, ConsistentRead: true, ProjectionExpression: 'dunningTaskToken, dunningTaskSeen', ReturnConsumedCapacity: 'TOTAL' }),
    );
    this.count(ConsumedCapacity, 'read');
    return typeof Item?.dunningTaskToken === 'string' ? { taskToken: Item.dunningTaskToken, seen: Number(Item.dunningTaskSeen ?? 0) } : undefined;
  }

  async setEscalationWait(invoiceId: string, taskToken: string, seen: number): Promise<void> {
    await this.write(
      new UpdateCommand({
        TableName: this.table('invoices'),
        Key: { invoiceId },
        UpdateExpression: 'SET dunningTaskToken = :t, dunningTaskSeen = :s',
        ConditionExpression: 'attribute_exists(invoiceId)',
        ExpressionAttributeValues: { ':t': taskToken, ':s': seen },
      }),
    );
  }

  async claimEscalationWait(invoiceId: string, taskToken: string): Promise<boolean> {
    try {
      await this.write(
        new UpdateCommand({
          TableName: this.table('invoices'),
          Key: { invoiceId },
          UpdateExpression: 'REMOVE dunningTaskToken, dunningTaskSeen',
          ConditionExpression: 'dunningTaskToken = :t',
          ExpressionAttributeValues: { ':t': taskToken },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** The token of the invoice's settlement step (order lifecycle), to resume it when a credit or write-off settles the invoice. */
  async paymentTaskToken(invoiceId: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table('invoices'), Key: { invoiceId }, ConsistentRead: true, ProjectionExpression: 'paymentTaskToken' }));
    return typeof Item?.paymentTaskToken === 'string' ? Item.paymentTaskToken : undefined;
  }

  async worklist(): Promise<string[]> {
    const entries = await this.queryRun<{ invoiceId: string }>(COLLECTIONS_WORKLIST, null);
    return entries.map((e) => e.invoiceId);
  }
}

function isCapacityList(capacity: ConsumedCapacity | readonly ConsumedCapacity[] | undefined): capacity is readonly ConsumedCapacity[] {
  return Array.isArray(capacity);
}
