/**
 * The ports of what finance reads: receivables reports, the list routes the finance console needs,
 * and an order's execution. Adapters in `lambdas/adapters/dynamodb/` and `.../stepfunctions/`
 * implement them; tests implement them in memory.
 */
import type { Customer } from './customers/customer';
import type { Order } from './orders/order';
import type { Page } from './ports';
import type { AgingItem } from './reports/aging';
import type { LedgerLine, PromiseCounts, StatementCounts } from './reports/kpis';

/** What the receivables reports read. */
export interface ReceivablesReader {
  /**
   * Every invoice with a balance, read per open status (OPEN, PARTIALLY_PAID, OVERDUE, DISPUTED)
   * from the Invoices `byStatus` index: no table scan, but as many items as there are open items.
   */
  openItems(): Promise<AgingItem[]>;
  /**
   * Every journal line of these accounts. A scan of the whole Ledger table: finance-only reports
   * call it, never a storefront path; its cost grows with the journal.
   */
  journalLines(accounts: readonly string[]): Promise<LedgerLine[]>;
  /** Due dates of these invoices (batched point reads); unknown ids are left out. */
  dueDates(invoiceIds: readonly string[]): Promise<Map<string, string>>;
}

/** The outcome counts of every uploaded bank statement (cash application). */
export interface StatementResultsReader {
  statementCounts(): Promise<StatementCounts[]>;
}

/** Promises to pay that fell due between two instants (dunning). */
export interface PromiseOutcomesReader {
  promiseCounts(fromInstant: string, toInstant: string): Promise<PromiseCounts>;
}

/** Orders, listed for finance, and for a storefront its own. */
export interface OrderLister {
  /** The orders of one owner (a storefront), newest first (Orders `byOwner` index), optionally only in one status (a filter). */
  listByOwner(ownerId: string, limit: number, cursor?: string, status?: string): Promise<Page<Order>>;
  /** Orders in a status, newest first (Orders `byStatus` index). */
  listByStatus(status: string, limit: number, cursor?: string): Promise<Page<Order>>;
  /** Orders of a customer, newest first (Orders `byCustomer` index). */
  listByCustomer(customerId: string, limit: number, cursor?: string): Promise<Page<Order>>;
  /** Every order, newest first within a page only: a paginated scan. */
  listAll(limit: number, cursor?: string): Promise<Page<Order>>;
}

/** Customers, listed for finance (a paginated scan of the Customers table), and for a storefront its own. */
export interface CustomerLister {
  list(limit: number, cursor?: string): Promise<Page<Customer>>;
  /** The customers one client registered (Customers `byRegisteredBy` index), by customer id. */
  listByRegisteredBy(clientId: string, limit: number, cursor?: string): Promise<Page<Customer>>;
}

/** One event of an execution's history, as Step Functions reports it. */
export interface ExecutionEvent {
  readonly id: number;
  readonly type: string;
  /** ISO 8601 instant. */
  readonly timestamp: string;
  /** The state, for `...StateEntered` / `...StateExited` events. */
  readonly stateName?: string;
  /** Error name of a failed task or execution. */
  readonly error?: string;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate: string | null;
  /** The ASL definition the execution runs (parsed JSON). */
  readonly definition: unknown;
  readonly events: readonly ExecutionEvent[];
}

/** Executions of the order lifecycle state machine. */
export interface ExecutionReader {
  /** The execution with this name, or undefined when there is none. */
  orderExecution(executionName: string): Promise<ExecutionRecord | undefined>;
}
