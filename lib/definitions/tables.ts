/**
 * The DynamoDB tables, declared once. The CDK stack creates them from this list and the local
 * runtime creates the same tables (keys and indexes) in DynamoDB Local. Every function learns a
 * table's name from the environment variable named here.
 */

export type KeyType = 'S' | 'N';

export interface KeyDefinition {
  readonly name: string;
  readonly type: KeyType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
}

export interface TableDefinition {
  readonly id: TableId;
  /** Environment variable that carries the table's name to the functions that use it. */
  readonly envVar: string;
  readonly description: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, when items expire. */
  readonly timeToLiveAttribute?: string;
}

export type TableId = 'DunningPolicies' | 'DunningRuns' | 'Statements' | 'StatementLines' | 'Payers' | 'Customers' | 'Orders' | 'Invoices' | 'Payments' | 'Ledger' | 'Counters' | 'Idempotency' | 'ApiClients' | 'Imports' | 'Attention' | 'DirectDebits';

const S = (name: string): KeyDefinition => ({ name, type: 'S' });

export const tables: readonly TableDefinition[] = [
  {
    id: 'Customers',
    envVar: 'CUSTOMERS_TABLE',
    description: 'Customers with credit limit, payment terms, dunning policy and running balances, and the API client that registered them (registeredBy)',
    partitionKey: S('customerId'),
    // A storefront's customers (its list), by the client id that registered them.
    indexes: [{ indexName: 'byRegisteredBy', partitionKey: S('registeredBy'), sortKey: S('customerId') }],
  },
  {
    id: 'Orders',
    envVar: 'ORDERS_TABLE',
    description: 'Orders with lines, totals, status and the history of state changes',
    partitionKey: S('orderId'),
    indexes: [
      { indexName: 'byCustomer', partitionKey: S('customerId'), sortKey: S('createdAt') },
      { indexName: 'byStatus', partitionKey: S('status'), sortKey: S('createdAt') },
      // A storefront's orders: ownerId is the client that registered the order's customer.
      { indexName: 'byOwner', partitionKey: S('ownerId'), sortKey: S('createdAt') },
    ],
  },
  {
    id: 'Invoices',
    envVar: 'INVOICES_TABLE',
    description: 'Invoices (open items) with balance, status, allocations and dunning state',
    partitionKey: S('invoiceId'),
    indexes: [
      { indexName: 'byNumber', partitionKey: S('number') },
      { indexName: 'byRfReference', partitionKey: S('rfReference') },
      { indexName: 'byCustomer', partitionKey: S('customerId'), sortKey: S('dueDate') },
      { indexName: 'byStatus', partitionKey: S('status'), sortKey: S('dueDate') },
      // Sparse: only invoices with a dunning action planned; the daily run queries one date at a time.
      { indexName: 'byNextActionDate', partitionKey: S('nextActionDate'), sortKey: S('invoiceId') },
      // A storefront's invoices: ownerId is the client that registered the invoice's customer.
      { indexName: 'byOwner', partitionKey: S('ownerId'), sortKey: S('dueDate') },
    ],
  },
  {
    id: 'Payments',
    envVar: 'PAYMENTS_TABLE',
    description: 'Payments received, their allocations, and the unapplied worklist (sparse index)',
    partitionKey: S('paymentId'),
    indexes: [{ indexName: 'unappliedWorklist', partitionKey: S('worklist'), sortKey: S('receivedAt') }],
  },
  {
    id: 'Ledger',
    envVar: 'LEDGER_TABLE',
    description: 'Double-entry journal lines: pk the journal id, sk the line number',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [],
  },
  {
    id: 'Counters',
    envVar: 'COUNTERS_TABLE',
    description: 'Gapless number series (invoice numbers per series and year)',
    partitionKey: S('counterId'),
    indexes: [],
  },
  {
    id: 'Idempotency',
    envVar: 'IDEMPOTENCY_TABLE',
    description: 'First responses of mutating API calls by Idempotency-Key, kept 24 hours',
    partitionKey: S('idempotencyKey'),
    indexes: [],
    timeToLiveAttribute: 'expiresAt',
  },
  {
    id: 'Statements',
    envVar: 'STATEMENTS_TABLE',
    description: 'Uploaded bank statements (sk "statement": format, progress, counts) and the outcome of each credit line (sk "line#<sequence>")',
    partitionKey: S('statementId'),
    sortKey: S('sk'),
    indexes: [],
  },
  {
    id: 'StatementLines',
    envVar: 'STATEMENT_LINES_TABLE',
    description: 'One item per statement line identity (account, line id, amount, dates), written with the line: applies each line once',
    partitionKey: S('lineKey'),
    indexes: [],
  },
  {
    id: 'Payers',
    envVar: 'PAYERS_TABLE',
    description: 'Payer accounts and names learned from applied payments ("account#<IBAN>", "name#<NAME>") -> the customers known to pay with them',
    partitionKey: S('payerKey'),
    indexes: [],
  },
  {
    id: 'ApiClients',
    envVar: 'API_CLIENTS_TABLE',
    description: 'API credentials by SHA-256 of the key (never the key): the client id, name, role (storefront or finance), creation and revocation',
    partitionKey: S('keyHash'),
    // Revoking by client id (`npm run api-keys -- revoke <clientId>`).
    indexes: [{ indexName: 'byClientId', partitionKey: S('clientId') }],
  },
  {
    id: 'Imports',
    envVar: 'IMPORTS_TABLE',
    description: 'Bulk imports of open items by importId (state, attempt, lease), and the RF references (so the numbers) they reserve: rf-reference#...',
    partitionKey: S('importId'),
    indexes: [],
  },
  {
    id: 'DunningPolicies',
    envVar: 'DUNNING_POLICIES_TABLE',
    description: 'Dunning policies by policyId (grace days, levels, minimum amounts, interest with reference rates, compensation); built-in policies apply until replaced here',
    partitionKey: S('policyId'),
    indexes: [],
  },
  {
    id: 'DunningRuns',
    envVar: 'DUNNING_RUNS_TABLE',
    description: 'Dunning runs (pk run-<date>, sk run), their items (item#<invoiceId>) and letters (letter#<customerId>, written before sending), the last completed day (pk cursor) and the collectors worklist (pk collections-worklist)',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [],
  },
  {
    id: 'Attention',
    envVar: 'ATTENTION_TABLE',
    description: "Finance's attention worklist: one entry per state machine and order or invoice (attentionId <Machine>#<id>) whose step failed after its retries, with the step, error, cause and the waiting task token; open ones carry worklist = OPEN (sparse index, oldest first)",
    partitionKey: S('attentionId'),
    indexes: [{ indexName: 'openWorklist', partitionKey: S('worklist'), sortKey: S('at') }],
  },
  {
    id: 'DirectDebits',
    envVar: 'DIRECT_DEBITS_TABLE',
    description:
      'SEPA: mandates (pk mandate#<mandateId>, unique per creditor), collection files (pk file#<fileId>, with their transactions) and refunds (pk refund#<refundId>, refund-file#<fileId>); listed by listKey (customer#<customerId>, files, refund-files) and active mandates by the sparse activeList index',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [
      { indexName: 'byList', partitionKey: S('listKey'), sortKey: S('listSort') },
      { indexName: 'activeMandates', partitionKey: S('activeList'), sortKey: S('pk') },
    ],
  },
];

export function tableById(id: TableId): TableDefinition {
  const table = tables.find((t) => t.id === id);
  if (!table) throw new Error(`No table ${id}`);
  return table;
}

/** The name of a declared index of a table; throws (at module load of the adapter) when the table declares no such index. */
export function indexName(id: TableId, name: string): string {
  const index = tableById(id).indexes.find((i) => i.indexName === name);
  if (!index) throw new Error(`Table ${id} declares no index ${name}`);
  return index.indexName;
}
