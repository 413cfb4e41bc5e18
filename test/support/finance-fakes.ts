/**
 * In-memory implementations of the finance ports (`lambdas/core/finance-ports.ts`) over the tables
 * of the in-memory world, keeping the adapters' promises: open items are those with a balance in
 * an open status, orders come newest first, pages end with a cursor.
 */
import type { Customer } from '../../lambdas/core/customers/customer';
import type { CustomerLister, ExecutionReader, ExecutionRecord, OrderLister, ReceivablesReader, StatementResultsReader } from '../../lambdas/core/finance-ports';
import type { Order } from '../../lambdas/core/orders/order';
import type { Page } from '../../lambdas/core/ports';
import type { AgingItem } from '../../lambdas/core/reports/aging';
import type { LedgerLine, StatementCounts } from '../../lambdas/core/reports/kpis';
import type { InMemoryTables } from './in-memory';

const OPEN = new Set(['OPEN', 'PARTIALLY_PAID', 'OVERDUE', 'DISPUTED']);

function paginate<T>(all: readonly T[], limit: number, cursor?: string): Page<T> {
  const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) : 0;
  const items = all.slice(start, start + limit);
  const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return next ? { items, cursor: next } : { items };
}

export class InMemoryReceivablesReader implements ReceivablesReader {
  constructor(private readonly tables: InMemoryTables) {}

  async openItems(): Promise<AgingItem[]> {
    return [...this.tables.invoices.values()]
      .filter((i) => OPEN.has(i.status) && i.balanceMinor > 0)
      .map((i) => ({ invoiceId: i.invoiceId, customerId: i.customerId, customerName: i.customerName, currency: i.currency, balanceMinor: i.balanceMinor, issueDate: i.issueDate, dueDate: i.dueDate }));
  }

  async journalLines(accounts: readonly string[]): Promise<LedgerLine[]> {
    return this.tables.ledger
      .filter((row) => accounts.includes(row.account))
      .map((row) => ({ journalId: row.journalId, event: row.event, postedAt: row.postedAt, account: row.account, side: row.side, amountMinor: row.amountMinor, currency: row.currency, reference: row.reference }));
  }

  async dueDates(invoiceIds: readonly string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    for (const id of invoiceIds) {
      const invoice = this.tables.invoices.get(id);
      if (invoice) result.set(id, invoice.dueDate);
    }
    return result;
  }
}

export class InMemoryStatementResults implements StatementResultsReader {
  constructor(readonly counts: StatementCounts[] = []) {}
  async statementCounts(): Promise<StatementCounts[]> {
    return this.counts;
  }
}

export class InMemoryOrderLister implements OrderLister {
  constructor(private readonly tables: InMemoryTables) {}

  private newestFirst(filter: (o: Order) => boolean): Order[] {
    return [...this.tables.orders.values()].filter(filter).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async listByStatus(status: string, limit: number, cursor?: string) {
    return paginate(this.newestFirst((o) => o.status === status), limit, cursor);
  }

  async listByCustomer(customerId: string, limit: number, cursor?: string) {
    return paginate(this.newestFirst((o) => o.customerId === customerId), limit, cursor);
  }

  async listAll(limit: number, cursor?: string) {
    return paginate(this.newestFirst(() => true), limit, cursor);
  }

  async listByOwner(ownerId: string, limit: number, cursor?: string, status?: string) {
    return paginate(this.newestFirst((o) => o.ownerId === ownerId && (status === undefined || o.status === status)), limit, cursor);
  }
}

export class InMemoryCustomerLister implements CustomerLister {
  constructor(private readonly tables: InMemoryTables) {}
  async list(limit: number, cursor?: string): Promise<Page<Customer>> {
    return paginate([...this.tables.customers.values()].sort((a, b) => a.customerId.localeCompare(b.customerId)), limit, cursor);
  }

  async listByRegisteredBy(clientId: string, limit: number, cursor?: string): Promise<Page<Customer>> {
    const own = [...this.tables.customers.values()].filter((c) => c.registeredBy === clientId);
    return paginate(own.sort((a, b) => a.customerId.localeCompare(b.customerId)), limit, cursor);
  }
}

export class InMemoryExecutions implements ExecutionReader {
  readonly records = new Map<string, ExecutionRecord>();
  async orderExecution(executionName: string) {
    return this.records.get(executionName);
  }
}
