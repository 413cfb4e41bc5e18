/**
 * The dunning store on DynamoDB.
 *
 * - Items due for action come from the Invoices index `byNextActionDate` (partition key the
 *   calendar date, sort key the invoice id): a run queries one partition per day since the last
 *   run, so its reads grow with the items due, not with the table. The index is sparse: an
 *   invoice without `nextActionDate` (paid, disputed) is not in it.
 * - A dunning change is one transaction: the invoice (conditional on its dunning version, balance
 *   and status), its charges item, the journal lines (each written once) and the worklist entry.
 * - DunningRuns keeps each run (`pk` the run id, `sk` `run`), its items (`item#<invoiceId>`) and
 *   letters (`letter#<customerId>`, written before sending), the letter of each SES message id
 *   (`pk` `message#<messageId>`, for bounces), the last completed day (`pk` `cursor`) and the
 *   collectors' worklist (`pk` `collections-worklist`, `sk` the invoice id).
 *
 * Every command asks for its consumed capacity; {@link DynamoDunningStore.consumed} sums it (the
 * benchmark prints it).
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { Customer } from '../../core/customers/customer';
import type { Invoice } from '../../core/invoices/invoice';
import type { Page } from '../../core/ports';
import type { DunningPolicy } from '../../core/dunning/policy';
import {
  DunningAlreadyAppliedError,
  DunningConflictError,
  type DunningChange,
  type DunningRunRecord,
  type DunningStore,
  type LetterRecord,
  type RunItemRecord,
} from '../../core/dunning/ports';
import { cancellationCodes, decodeCursor, encodeCursor, isConditionalCheckFailed, withoutAttributes } from './document-client';
import { journalPuts } from './ledger-items';

export interface DunningTables {
  readonly invoices: string;
  readonly customers: string;
  readonly ledger: string;
  readonly policies: string;
  readonly runs: string;
}

/** Attributes of an invoice item that the core does not see. */
export const INVOICE_STORAGE_ONLY = ['paymentTaskToken', 'dunningTaskToken', 'dunningTaskSeen'];
export const NEXT_ACTION_INDEX = 'byNextActionDate';
const WORKLIST = 'collections-worklist';
const CURSOR = 'cursor';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DynamoDunningStore implements DunningStore {
  /** Capacity units consumed by this store's commands since it was built. */
  readonly consumed = { read: 0, write: 0 };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Partial<DunningTables>,
  ) {}

  private count(capacity: ConsumedCapacity | ConsumedCapacity[] | undefined, kind: 'read' | 'write'): void {
    for (const c of Array.isArray(capacity) ? capacity : capacity ? [capacity] : []) {
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
    const policies: DunningPolicy[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new ScanCommand({ TableName: this.table('policies'), ConsistentRead: true, ExclusiveStartKey, ReturnConsumedCapacity: 'TOTAL' }));
      this.count(page.ConsumedCapacity, 'read');
      policies.push(...((page.Items ?? []) as DunningPolicy[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return policies;
  }

  async putPolicy(policy: DunningPolicy): Promise<void> {
    await this.write(new PutCommand({ TableName: this.table('policies'), Item: policy }));
  }

  // --- items ----------------------------------------------------------------------------------

  async itemsDueOn(date: string, cursor?: string): Promise<Page<{ invoiceId: string }>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table('invoices'),
        IndexName: NEXT_ACTION_INDEX,
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
    const items = await this.batchGet(this.table('invoices'), 'invoiceId', invoiceIds);
    return new Map(items.map((i) => [String(i.invoiceId), withoutAttributes<Invoice>(i, ...INVOICE_STORAGE_ONLY)]));
  }

  async customers(customerIds: readonly string[]): Promise<Map<string, Customer>> {
    const items = await this.batchGet(this.table('customers'), 'customerId', customerIds);
    return new Map(items.map((i) => [String(i.customerId), i as unknown as Customer]));
  }

  async invoicesOfCustomer(customerId: string): Promise<Invoice[]> {
    const all: Invoice[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table('invoices'),
          IndexName: 'byCustomer',
          KeyConditionExpression: 'customerId = :c',
          ExpressionAttributeValues: { ':c': customerId },
          ExclusiveStartKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.count(page.ConsumedCapacity, 'read');
      all.push(...(page.Items ?? []).map((i) => withoutAttributes<Invoice>(i, ...INVOICE_STORAGE_ONLY)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return all;
  }

  private async batchGet(tableName: string, keyName: string, ids: readonly string[]): Promise<Record<string, unknown>[]> {
    const unique = [...new Set(ids)];
    const found: Record<string, unknown>[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] = unique.slice(i, i + 100).map((id) => ({ [keyName]: id }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(50 * 2 ** attempt, 2000));
        const result = await this.db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' }));
        this.count(result.ConsumedCapacity, 'read');
        found.push(...(result.Responses?.[tableName] ?? []));
        keys = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found;
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
    await this.batchWrite(this.table('runs'), requests);
  }

  private async batchWrite(tableName: string, requests: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending = requests.slice(i, i + 25);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(50 * 2 ** attempt, 2000));
        const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending }, ReturnConsumedCapacity: 'TOTAL' }));
        this.count(result.ConsumedCapacity, 'write');
        pending = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  async runItems(runId: string): Promise<RunItemRecord[]> {
    return this.queryRun<RunItemRecord>(runId, 'item#');
  }

  private async queryRun<T>(pk: string, prefix: string | null): Promise<T[]> {
    const all: T[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table('runs'),
          KeyConditionExpression: prefix === null ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: prefix === null ? { ':pk': pk } : { ':pk': pk, ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.count(page.ConsumedCapacity, 'read');
      all.push(...(page.Items ?? []).map((i) => withoutAttributes<T>(i, 'pk', 'sk')));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return all;
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

  // --- dunning changes ------------------------------------------------------------------------

  async apply(change: DunningChange): Promise<void> {
    const { before, after } = change;
    const version = before.dunning.version ?? 0;
    const names: Record<string, string> = { '#dunning': 'dunning', '#status': 'status', '#version': 'version' };
    const values: Record<string, unknown> = {
      ':dunning': after.dunning,
      ':status': after.status,
      ':balance': after.balanceMinor,
      ':overdueSince': after.overdueSince,
      ':beforeBalance': before.balanceMinor,
      ':beforeStatus': before.status,
    };
    const set = ['#dunning = :dunning', '#status = :status', 'balanceMinor = :balance', 'overdueSince = :overdueSince'];
    const remove: string[] = [];
    if (after.nextActionDate !== undefined) {
      set.push('nextActionDate = :next');
      values[':next'] = after.nextActionDate;
    } else remove.push('nextActionDate');
    if (change.statusChange) {
      set.push('history = list_append(history, :change)');
      values[':change'] = [change.statusChange];
    }
    let versionCondition = 'attribute_not_exists(#dunning.#version)';
    if (version > 0) {
      versionCondition = '#dunning.#version = :version';
      values[':version'] = version;
    }
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Update: {
          TableName: this.table('invoices'),
          Key: { invoiceId: before.invoiceId },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: `attribute_exists(invoiceId) AND balanceMinor = :beforeBalance AND #status = :beforeStatus AND ${versionCondition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ];
    if (change.charges) {
      const chargesBefore = change.charges.before;
      items.push({
        Put: {
          TableName: this.table('invoices'),
          Item: change.charges.after,
          ...(chargesBefore
            ? {
                ConditionExpression: 'balanceMinor = :b AND totalMinor = :t',
                ExpressionAttributeValues: { ':b': chargesBefore.balanceMinor, ':t': chargesBefore.totalMinor },
              }
            : { ConditionExpression: 'attribute_not_exists(invoiceId)' }),
        },
      });
    }
    const journalStart = items.length;
    for (const j of change.journals) items.push(...journalPuts(this.table('ledger'), j));
    if (change.worklist === 'add') {
      items.push({ Put: { TableName: this.table('runs'), Item: { pk: WORKLIST, sk: before.invoiceId, invoiceId: before.invoiceId, customerId: before.customerId, addedAt: new Date().toISOString() } } });
    } else if (change.worklist === 'remove') {
      items.push({ Delete: { TableName: this.table('runs'), Key: { pk: WORKLIST, sk: before.invoiceId } } });
    }
    try {
      const result = await this.db.send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
      this.count(result.ConsumedCapacity, 'write');
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes.slice(journalStart, journalStart + change.journals.reduce((n, j) => n + j.lines.length, 0)).includes('ConditionalCheckFailed') && codes[0] !== 'ConditionalCheckFailed') {
        throw new DunningAlreadyAppliedError(before.invoiceId);
      }
      if (codes.includes('ConditionalCheckFailed') || codes.includes('TransactionConflict')) throw new DunningConflictError(before.invoiceId);
      throw new Error(`The dunning change of invoice ${before.invoiceId} was refused: ${codes.join(', ')}`, { cause: error });
    }
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
    const entries = await this.queryRun<{ invoiceId: string }>(WORKLIST, null);
    return entries.map((e) => e.invoiceId);
  }
}
