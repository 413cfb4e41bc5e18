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
  /**
   * What the index holds besides the keys: `keys` (only the table's and the index's keys) or these
   * attributes; every item written also writes its projection to the index, so an index holds only
   * what its queries read (the rest is read from the table by key). Default: all attributes.
   */
  readonly projection?: 'keys' | readonly string[];
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
  /** A DynamoDB stream of the new items (the outbox's, read by the event forwarder on AWS and locally). */
  readonly stream?: 'NEW_IMAGE';
}

export type TableId = 'DunningPolicies' | 'DunningRuns' | 'Statements' | 'StatementLines' | 'Payers' | 'Customers' | 'Orders' | 'Invoices' | 'Payments' | 'Ledger' | 'Counters' | 'Idempotency' | 'ApiClients' | 'Imports' | 'Attention' | 'CreditNotes' | 'Predictions' | 'Outbox' | 'Webhooks' | 'PortalActivity' | 'DirectDebits';

const S = (name: string): KeyDefinition => ({ name, type: 'S' });

export const tables: readonly TableDefinition[] = [
  {
    id: 'Customers',
    envVar: 'CUSTOMERS_TABLE',
    description: 'Customers with credit limit, payment terms, dunning policy and running balances, and the API client that registered them (registeredBy)',
    partitionKey: S('customerId'),
    // A storefront's customers (its list), by the client id that registered them; the list reads the customers by key,
    // so the credit reserved and released with each order does not rewrite the index entry.
    indexes: [{ indexName: 'byRegisteredBy', partitionKey: S('registeredBy'), sortKey: S('customerId'), projection: 'keys' }],
  },
  {
    id: 'Orders',
    envVar: 'ORDERS_TABLE',
    description: 'Orders with lines, totals, status and the history of state changes',
    partitionKey: S('orderId'),
    indexes: [
      // The credit check sums a customer's uninvoiced orders from the index alone; lists read the orders by key.
      { indexName: 'byCustomer', partitionKey: S('customerId'), sortKey: S('createdAt'), projection: ['status', 'currency', 'totalMinor', 'invoicedMinor'] },
      { indexName: 'byStatus', partitionKey: S('status'), sortKey: S('createdAt'), projection: 'keys' },
      // A storefront's orders: ownerId is the client that registered the order's customer. Keys only: the list reads the
      // orders by key (and filters a status there), so an order's status changes do not rewrite the index entry.
      { indexName: 'byOwner', partitionKey: S('ownerId'), sortKey: S('createdAt'), projection: 'keys' },
    ],
  },
  {
    id: 'Invoices',
    envVar: 'INVOICES_TABLE',
    description: 'Invoices (open items) with balance, status, allocations and dunning state',
    partitionKey: S('invoiceId'),
    indexes: [
      // Lookups by number or reference read the invoice by key afterwards (the index lags); the import
      // checks numbers and references against the index alone.
      { indexName: 'byNumber', partitionKey: S('number'), projection: ['rfReference', 'importId'] },
      { indexName: 'byRfReference', partitionKey: S('rfReference'), projection: ['importId'] },
      // Cash application finds a customer's open items by balance, then reads them by key.
      { indexName: 'byCustomer', partitionKey: S('customerId'), sortKey: S('dueDate'), projection: ['balanceMinor'] },
      // The aging report reads open items from the index alone.
      { indexName: 'byStatus', partitionKey: S('status'), sortKey: S('dueDate'), projection: ['customerId', 'customerName', 'currency', 'balanceMinor', 'issueDate'] },
      // Sparse: only invoices with a dunning action planned; the daily run queries one date at a time.
      { indexName: 'byNextActionDate', partitionKey: S('nextActionDate'), sortKey: S('invoiceId'), projection: 'keys' },
      // A storefront's invoices: ownerId is the client that registered the invoice's customer.
      { indexName: 'byOwner', partitionKey: S('ownerId'), sortKey: S('dueDate'), projection: ['status'] },
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
    id: 'CreditNotes',
    envVar: 'CREDIT_NOTES_TABLE',
    description: 'Credit notes (EN 16931 type 381) by creditNoteId: number of their own gapless series (Counters), the invoice they correct, lines, VAT breakdown, totals',
    partitionKey: S('creditNoteId'),
    indexes: [{ indexName: 'byInvoice', partitionKey: S('invoiceId'), sortKey: S('creditNoteId') }],
  },
  {
    id: 'Predictions',
    envVar: 'PREDICTIONS_TABLE',
    description: 'Payment predictions (issue 14): kind "model" (versions with their held-out evaluation, and "current"), "invoice" (per open item), "customer" (risk), "forecast" (per day made, with its backtest)',
    partitionKey: S('kind'),
    sortKey: S('id'),
    indexes: [],
  },
  {
    id: 'Outbox',
    envVar: 'OUTBOX_TABLE',
    description: 'Domain events by eventId, written in the same transaction as the change they report; its stream feeds the forwarder to the event bus (publishedAt once forwarded); kept 7 days',
    partitionKey: S('eventId'),
    indexes: [],
    timeToLiveAttribute: 'expiresAt',
    stream: 'NEW_IMAGE',
  },
  {
    id: 'Webhooks',
    envVar: 'WEBHOOKS_TABLE',
    description: 'Webhook subscriptions (sk "subscription": url, event types, owner, secret; active ones carry registry = ACTIVE) and their deliveries (sk "delivery#<eventId>": status and attempts)',
    partitionKey: S('webhookId'),
    sortKey: S('sk'),
    indexes: [{ indexName: 'activeSubscriptions', partitionKey: S('registry'), sortKey: S('webhookId') }],
  },
  {
    id: 'PortalActivity',
    envVar: 'PORTAL_ACTIVITY_TABLE',
    description: "What customers did in their portal (pay link) and finance did to their links: one entry per action (sk <at>#<id>) with actor, source address, user agent, the item and the outcome (done or waiting-for-finance)",
    partitionKey: S('customerId'),
    sortKey: S('entryId'),
    indexes: [],
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

/** An index's projection as DynamoDB declares it (CreateTable / UpdateTable), from {@link IndexDefinition.projection}. */
export function indexProjection(index: IndexDefinition): { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] } {
  if (index.projection === undefined) return { ProjectionType: 'ALL' };
  if (index.projection === 'keys') return { ProjectionType: 'KEYS_ONLY' };
  return { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] };
}
