/**
 * The open items a batch of statement lines can concern, read from DynamoDB without a scan:
 *
 * - by RF creditor reference: one query of the `byRfReference` index per reference quoted;
 * - by invoice number: one query of the `byNumber` index per number read from the lines;
 * - by customer: one query (paged) of the `byCustomer` index per customer a payer account or name is
 *   known for, keeping the items with a balance;
 * - the payers: one batch read of `Payers` for the accounts and names on the lines.
 *
 * Index reads are eventually consistent, so the invoices found are then read by key, consistently,
 * in batches of 100: what the matcher sees is what a conditional write will check. The cost grows
 * with the lines and the customers they concern, never with the whole invoice table.
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Invoice } from '../../core/invoices/invoice';
import type { KnownPayers, OpenItemReader } from '../../core/ports';
import { withoutAttributes } from './document-client';

/** Queries run at most this many at a time. */
const CONCURRENCY = 16;
const BATCH_GET_LIMIT = 100;

/** Runs `work` over `items`, at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Reads items by key, consistently, 100 keys per request, retrying the keys DynamoDB leaves
 * unprocessed (with a short back-off). Missing items are left out; order is not kept.
 */
export async function batchGet(db: DynamoDBDocumentClient, tableName: string, keys: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) chunks.push(keys.slice(i, i + BATCH_GET_LIMIT));
  await mapLimit(chunks, 4, async (chunk) => {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      if (attempt > 10) throw new Error(`Reading ${tableName}: ${pending.length} keys stayed unprocessed`);
      const result = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  });
  return found;
}

export interface OpenItemTables {
  readonly invoices: string;
  readonly payers: string;
}

export class DynamoOpenItemReader implements OpenItemReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: OpenItemTables,
  ) {}

  async invoicesByRfReference(references: readonly string[]): Promise<Invoice[]> {
    return this.invoicesById(await this.idsByIndex('byRfReference', 'rfReference', references));
  }

  async invoicesByNumber(numbers: readonly string[]): Promise<Invoice[]> {
    return this.invoicesById(await this.idsByIndex('byNumber', 'number', numbers));
  }

  async openInvoicesOfCustomers(customerIds: readonly string[]): Promise<Invoice[]> {
    const ids = await mapLimit([...new Set(customerIds)], CONCURRENCY, async (customerId) => {
      const found: string[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tables.invoices,
            IndexName: 'byCustomer',
            KeyConditionExpression: 'customerId = :c',
            FilterExpression: 'balanceMinor > :zero',
            ProjectionExpression: 'invoiceId',
            ExpressionAttributeValues: { ':c': customerId, ':zero': 0 },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) found.push(String(item.invoiceId));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return found;
    });
    return this.invoicesById(ids.flat());
  }

  async invoicesById(invoiceIds: readonly string[]): Promise<Invoice[]> {
    const unique = [...new Set(invoiceIds)];
    if (unique.length === 0) return [];
    const items = await batchGet(this.db, this.tables.invoices, unique.map((invoiceId) => ({ invoiceId })));
    return items.map((item) => withoutAttributes<Invoice>(item, 'paymentTaskToken'));
  }

  async knownPayers(accounts: readonly string[], names: readonly string[]): Promise<KnownPayers> {
    const keys = [...new Set([...accounts.map((a) => `account#${a}`), ...names.map((n) => `name#${n}`)])];
    const result = { accounts: new Map<string, string[]>(), names: new Map<string, string[]>() };
    if (keys.length === 0) return result;
    const items = await batchGet(this.db, this.tables.payers, keys.map((payerKey) => ({ payerKey })));
    for (const item of items) {
      const key = String(item.payerKey);
      const customerIds = [...((item.customerIds as Set<string> | undefined) ?? [])].sort();
      if (key.startsWith('account#')) result.accounts.set(key.slice('account#'.length), customerIds);
      else if (key.startsWith('name#')) result.names.set(key.slice('name#'.length), customerIds);
    }
    return result;
  }

  private async idsByIndex(indexName: string, attribute: string, values: readonly string[]): Promise<string[]> {
    const ids = await mapLimit([...new Set(values)], CONCURRENCY, async (value) => {
      const { Items } = await this.db.send(
        new QueryCommand({
          TableName: this.tables.invoices,
          IndexName: indexName,
          KeyConditionExpression: '#a = :v',
          ExpressionAttributeNames: { '#a': attribute },
          ExpressionAttributeValues: { ':v': value },
          ProjectionExpression: 'invoiceId',
        }),
      );
      return (Items ?? []).map((i) => String(i.invoiceId));
    });
    return ids.flat();
  }
}
