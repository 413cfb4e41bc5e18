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
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../core/kernel/concurrency';
import { batchGet, queryAll } from './batch';
import { INVOICE_INDEX, invoiceFromItem, invoicesByIndex } from './invoice-item';
import type { Invoice } from '../../core/invoices/invoice';
import type { KnownPayers, OpenItemReader } from '../../core/ports';

/** Queries run at most this many at a time. */
const CONCURRENCY = 16;

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
    return this.invoicesById(await this.idsByIndex(INVOICE_INDEX.byRfReference, 'rfReference', references));
  }

  async invoicesByNumber(numbers: readonly string[]): Promise<Invoice[]> {
    return this.invoicesById(await this.idsByIndex(INVOICE_INDEX.byNumber, 'number', numbers));
  }

  async openInvoicesOfCustomers(customerIds: readonly string[]): Promise<Invoice[]> {
    const ids = await mapLimit([...new Set(customerIds)], CONCURRENCY, async (customerId) => {
      const items = await queryAll(this.db, {
        TableName: this.tables.invoices,
        IndexName: INVOICE_INDEX.byCustomer,
        KeyConditionExpression: 'customerId = :c',
        FilterExpression: 'balanceMinor > :zero',
        ProjectionExpression: 'invoiceId',
        ExpressionAttributeValues: { ':c': customerId, ':zero': 0 },
      });
      return items.map((item) => String(item.invoiceId));
    });
    return this.invoicesById(ids.flat());
  }

  async invoicesById(invoiceIds: readonly string[]): Promise<Invoice[]> {
    const unique = [...new Set(invoiceIds)];
    if (unique.length === 0) return [];
    const items = await batchGet(this.db, this.tables.invoices, unique.map((invoiceId) => ({ invoiceId })));
    return items.map(invoiceFromItem);
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

  private async idsByIndex(name: string, attribute: string, values: readonly string[]): Promise<string[]> {
    const found = await mapLimit([...new Set(values)], CONCURRENCY, (value) => invoicesByIndex(this.db, this.tables.invoices, { name, attribute, value }));
    return found.flat().map((i) => String(i.invoiceId));
  }

}
