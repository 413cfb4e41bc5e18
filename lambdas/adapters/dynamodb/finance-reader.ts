/**
 * What finance reads from DynamoDB beyond single items: the receivables reports' data, statement
 * results, and the order and customer lists of the finance console.
 */
import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet, projectionOf, queryAll, queryPageOfItems, scanAll } from './batch';
import { INVOICE_INDEX } from './invoice-item';
import type { Customer } from '../../core/customers/customer';
import type { CustomerLister, OrderLister, PromiseOutcomesReader, ReceivablesReader, StatementResultsReader } from '../../core/finance-ports';
import type { Order } from '../../core/orders/order';
import type { Page } from '../../core/ports';
import type { AgingItem } from '../../core/reports/aging';
import { countPromiseOutcomes, type LedgerLine, type PromiseCounts, type StatementCounts } from '../../core/reports/kpis';
import { decodeCursor, encodeCursor, withoutAttributes } from './document-client';
import { indexName } from '../../../lib/definitions/tables';

/** Invoice statuses that can carry a balance: aging reads these partitions of `byStatus`. */
export const OPEN_INVOICE_STATUSES = ['OPEN', 'PARTIALLY_PAID', 'OVERDUE', 'DISPUTED'] as const;

/** Open items from the Invoices `byStatus` index, journal lines from a Ledger scan, due dates by BatchGet. */
export class DynamoReceivablesReader implements ReceivablesReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { invoices: string; ledger?: string },
  ) {}

  async openItems(): Promise<AgingItem[]> {
    const { ProjectionExpression, ExpressionAttributeNames } = projectionOf(['invoiceId', 'customerId', 'customerName', 'currency', 'balanceMinor', 'issueDate', 'dueDate']);
    const pages = await Promise.all(
      OPEN_INVOICE_STATUSES.map((status) =>
        queryAll(this.db, {
          TableName: this.tables.invoices,
          IndexName: INVOICE_INDEX.byStatus,
          KeyConditionExpression: '#status = :status',
          FilterExpression: '#balance > :zero',
          ProjectionExpression,
          ExpressionAttributeNames: { ...ExpressionAttributeNames, '#status': 'status', '#balance': 'balanceMinor' },
          ExpressionAttributeValues: { ':status': status, ':zero': 0 },
        }),
      ),
    );
    return pages.flat().map((i) => ({
      invoiceId: String(i.invoiceId),
      customerId: String(i.customerId),
      customerName: String(i.customerName ?? ''),
      currency: String(i.currency),
      balanceMinor: Number(i.balanceMinor ?? 0),
      issueDate: String(i.issueDate),
      dueDate: String(i.dueDate),
    }));
  }

  async journalLines(accounts: readonly string[]): Promise<LedgerLine[]> {
    const ledger = this.tables.ledger;
    if (!ledger) throw new Error('The receivables reader was built without the Ledger table');
    const { ProjectionExpression, ExpressionAttributeNames } = projectionOf(['pk', 'event', 'postedAt', 'account', 'side', 'amountMinor', 'currency', 'reference']);
    const items = await scanAll(this.db, {
      TableName: ledger,
      FilterExpression: `#account IN (${accounts.map((_, i) => `:a${i}`).join(', ')})`,
      ProjectionExpression,
      ExpressionAttributeNames: { ...ExpressionAttributeNames, '#account': 'account' },
      ExpressionAttributeValues: Object.fromEntries(accounts.map((a, i) => [`:a${i}`, a])),
    });
    return items.map((i) => ({
      journalId: String(i.pk),
      event: String(i.event ?? ''),
      postedAt: String(i.postedAt ?? ''),
      account: String(i.account),
      side: i.side === 'credit' ? 'credit' : 'debit',
      amountMinor: Number(i.amountMinor ?? 0),
      currency: String(i.currency),
      reference: String(i.reference ?? ''),
    }));
  }

  async dueDates(invoiceIds: readonly string[]): Promise<Map<string, string>> {
    const items = await batchGet(this.db, this.tables.invoices, invoiceIds.map((invoiceId) => ({ invoiceId })), { attributes: ['invoiceId', 'dueDate'], consistent: false });
    return new Map(items.map((item) => [String(item.invoiceId), String(item.dueDate)]));
  }
}

/**
 * The counts of every uploaded statement: a scan of the Statements table for the statement items
 * (sk `statement`), finance only.
 */
export class DynamoStatementResultsReader implements StatementResultsReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async statementCounts(): Promise<StatementCounts[]> {
    const { ProjectionExpression, ExpressionAttributeNames } = projectionOf(['receivedAt', 'total', 'counts']);
    const items = await scanAll(this.db, {
      TableName: this.tableName,
      FilterExpression: '#sk = :statement',
      ProjectionExpression,
      ExpressionAttributeNames: { ...ExpressionAttributeNames, '#sk': 'sk' },
      ExpressionAttributeValues: { ':statement': 'statement' },
    });
    return items.map((i) => ({
      receivedAt: String(i.receivedAt ?? ''),
      creditLines: Number(i.total ?? 0),
      appliedAutomatically: Number((i.counts as { applied?: unknown } | undefined)?.applied ?? 0),
    }));
  }
}

/**
 * Promise outcomes from the invoices' dunning records: a scan of the Invoices table for the items
 * with promises (only their promises are read), finance only.
 */
export class DynamoPromiseOutcomesReader implements PromiseOutcomesReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async promiseCounts(fromInstant: string, toInstant: string): Promise<PromiseCounts> {
    const items = await scanAll(this.db, {
          TableName: this.tableName,
          FilterExpression: 'attribute_exists(#d.#p)',
          ProjectionExpression: '#d.#p',
          ExpressionAttributeNames: { '#d': 'dunning', '#p': 'promises' },
        });
    const promises = items.flatMap((i) => ((i.dunning as { promises?: unknown } | undefined)?.promises ?? []) as { status: string; closedAt: string | null }[]);
    return countPromiseOutcomes(promises, fromInstant, toInstant);
  }
}

const ORDER_STORAGE_ONLY = ['taskToken', 'waitingFor', 'settledInvoiceIds'];

/** The Orders table's indexes, as declared in `lib/definitions/tables.ts`. */
const ORDER_INDEX = {
  byCustomer: indexName('Orders', 'byCustomer'),
  byStatus: indexName('Orders', 'byStatus'),
  byOwner: indexName('Orders', 'byOwner'),
} as const;

const CUSTOMERS_BY_REGISTERED_BY = indexName('Customers', 'byRegisteredBy');

/** Orders by status (`byStatus` index) or customer (`byCustomer` index), newest first; or all (scan). */
export class DynamoOrderLister implements OrderLister {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  listByStatus(status: string, limit: number, cursor?: string): Promise<Page<Order>> {
    return this.query(ORDER_INDEX.byStatus, 'status', status, limit, cursor);
  }

  listByCustomer(customerId: string, limit: number, cursor?: string): Promise<Page<Order>> {
    return this.query(ORDER_INDEX.byCustomer, 'customerId', customerId, limit, cursor);
  }

  listByOwner(ownerId: string, limit: number, cursor?: string, status?: string): Promise<Page<Order>> {
    return this.query(ORDER_INDEX.byOwner, 'ownerId', ownerId, limit, cursor, status);
  }

  async listAll(limit: number, cursor?: string): Promise<Page<Order>> {
    const result = await this.db.send(new ScanCommand({ TableName: this.tableName, Limit: limit, ExclusiveStartKey: decodeCursor(cursor) }));
    const items = (result.Items ?? []).map((i) => withoutAttributes<Order>(i, ...ORDER_STORAGE_ONLY)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const next = encodeCursor(result.LastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }

  /** With `status`, only orders in it: filtered on the orders read by key (the `byOwner` index holds keys only), so a page may hold fewer than `limit`. */
  private async query(indexName: string, attribute: string, value: string, limit: number, cursor?: string, status?: string): Promise<Page<Order>> {
    const result = await queryPageOfItems(
      this.db,
      {
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: '#a = :v',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':v': value },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      },
      'orderId',
    );
    const items = result.items.filter((i) => !status || i.status === status).map((i) => withoutAttributes<Order>(i, ...ORDER_STORAGE_ONLY));
    const next = encodeCursor(result.lastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }
}

/** Customers, a page of a scan at a time. */
export class DynamoCustomerLister implements CustomerLister {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(limit: number, cursor?: string): Promise<Page<Customer>> {
    const result = await this.db.send(new ScanCommand({ TableName: this.tableName, Limit: limit, ExclusiveStartKey: decodeCursor(cursor) }));
    const items = (result.Items ?? []) as Customer[];
    const next = encodeCursor(result.LastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }

  /** The index holds keys only: the customers are read by key, in the index's order. */
  async listByRegisteredBy(clientId: string, limit: number, cursor?: string): Promise<Page<Customer>> {
    const result = await queryPageOfItems(
      this.db,
      {
        TableName: this.tableName,
        IndexName: CUSTOMERS_BY_REGISTERED_BY,
        KeyConditionExpression: 'registeredBy = :client',
        ExpressionAttributeValues: { ':client': clientId },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      },
      'customerId',
    );
    const items = result.items as unknown as Customer[];
    const next = encodeCursor(result.lastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }
}
