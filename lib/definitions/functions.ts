/**
 * The Lambda functions, declared once: the CDK stack bundles each `entry` with esbuild into its own
 * function and grants exactly the access listed here; the local runtime imports the same entry
 * files and runs their `handler` in-process with the same environment variables.
 */
import type { TableId } from './tables';
import type { StateMachineId } from './state-machines';
import { uploadPrefixes as prefixes, type BucketId } from './buckets';

export type TableAccess = 'read' | 'write' | 'readWrite';

export type FunctionId =
  | 'Authorizer'
  | 'RunDunning'
  | 'RunPaymentPredictions'
  | 'StartPaymentPredictions'
  | 'CashForecastReport'
  | 'StartDunningRun'
  | 'GetDunningRun'
  | 'ListDunningPolicies'
  | 'PutDunningPolicy'
  | 'OpenDispute'
  | 'ResolveDispute'
  | 'RecordPromise'
  | 'BlockDunning'
  | 'SetInvoiceDunningPolicy'
  | 'WriteOffInvoice'
  | 'CollectionsWorklist'
  | 'AwaitDunningEvent'
  | 'EndDunningEscalation'
  | 'RecordEmailFeedback'
  | 'PutCustomer'
  | 'GetCustomer'
  | 'PlaceOrder'
  | 'GetOrder'
  | 'ReportShipment'
  | 'CancelOrder'
  | 'GetInvoice'
  | 'GetInvoiceDocument'
  | 'ListInvoices'
  | 'RecordPayment'
  | 'LedgerCheck'
  | 'UploadStatement'
  | 'GetStatement'
  | 'ListUnappliedPayments'
  | 'ApplyPayment'
  | 'ImportInvoices'
  | 'RecordCreditDecision'
  | 'CheckCredit'
  | 'WaitForCreditDecision'
  | 'WaitForOrderSettlement'
  | 'RecordInvoiceSettled'
  | 'WaitForShipment'
  | 'IssueInvoice'
  | 'WaitForPayment'
  | 'CompleteOrder'
  | 'MarkOverdueInvoices'
  | 'ListCustomers'
  | 'ListOrders'
  | 'GetOrderExecution'
  | 'AgingReport'
  | 'KpiReport'
  | 'RecordNeedsAttention'
  | 'RenewExecution'
  | 'ListAttentionWorklist'
  | 'RetryAfterAttention'
  | 'CreateUploadUrl'
  | 'ReadStatement'
  | 'ApplyStatementLines'
  | 'GetInvoiceImport'
  | 'ImportOpenItems'
  | 'GetOpenApi'
  | 'GetInvoiceEinvoice'
  | 'CreateCreditNote'
  | 'GetCreditNote'
  | 'ForwardEvents'
  | 'RouteWebhookEvent'
  | 'DeliverWebhook'
  | 'RegisterWebhook'
  | 'ListWebhooks'
  | 'DeleteWebhook'
  | 'ListWebhookDeliveries'
  | 'Portal'
  | 'StripeWebhook'
  | 'SendStatements'
  | 'RunCollections'
  | 'DirectDebitsApi';

export interface FunctionDefinition {
  readonly id: FunctionId;
  /** Path of the handler module from the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly tables: readonly { readonly table: TableId; readonly access: TableAccess }[];
  /** Step Functions access: start executions of a machine, or answer its task tokens. */
  readonly stateMachines?: readonly { readonly machine: StateMachineId; readonly access: 'start' | 'respond' | 'read' }[];
  /**
   * S3 access under one key prefix of a bucket: `read` (GetObject, and ListBucket under the prefix so
   * that a missing object reads as missing), `write` (PutObject, also what a presigned PUT URL the
   * function hands out may do).
   */
  readonly buckets?: readonly { readonly bucket: BucketId; readonly access: 'read' | 'write'; readonly prefix: string }[];
  /** Sends email through SES from the configured identity. */
  readonly sendsEmail?: boolean;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  /** Publishes on the stack's event bus (`lib/definitions/events.ts`): PutEvents, and its name in `EVENT_BUS_NAME`. */
  readonly eventBus?: 'publish';
}

const api = (name: string) => `lambdas/handlers/api/${name}.ts`;
const step = (name: string) => `lambdas/handlers/steps/${name}.ts`;

/** What a dunning run reads and writes. */
const dunningRunTables: FunctionDefinition['tables'] = [
  { table: 'Invoices', access: 'readWrite' },
  { table: 'Customers', access: 'read' },
  { table: 'Ledger', access: 'readWrite' },
  { table: 'DunningPolicies', access: 'read' },
  { table: 'DunningRuns', access: 'readWrite' },
  // The letters go out in the order of the value at stake (payment predictions, issue 14).
  { table: 'Predictions', access: 'read' },
  // No reminder before the due date for an invoice collected by direct debit (issue 12).
  { table: 'DirectDebits', access: 'read' },
];

/** What a change of an invoice's dunning (dispute, promise, block, write-off) reads and writes. */
const dunningActionTables: FunctionDefinition['tables'] = [
  { table: 'Invoices', access: 'readWrite' },
  { table: 'Ledger', access: 'readWrite' },
  { table: 'DunningRuns', access: 'readWrite' },
  { table: 'Idempotency', access: 'readWrite' },
];

/** What the SEPA collection run and its files read and write. */
const sepaCollectionTables: FunctionDefinition['tables'] = [
  { table: 'DirectDebits', access: 'readWrite' },
  { table: 'Invoices', access: 'readWrite' },
  { table: 'Customers', access: 'read' },
];

const declaredFunctions: readonly FunctionDefinition[] = [
  {
    id: 'Authorizer',
    entry: 'lambdas/handlers/auth/authorizer.ts',
    description: 'Checks the x-api-key credential (not revoked) and tells API Gateway exactly which routes its role may call',
    tables: [
      { table: 'ApiClients', access: 'read' },
      // A pay link is refused once finance revoked the customer's links (payLinksRevokedAt).
      { table: 'Customers', access: 'read' },
    ],
  },
  // Dunning (issue 4): the daily run, its API, what pauses and ends dunning, the escalation's waiting step.
  {
    id: 'RunDunning',
    entry: step('run-dunning'),
    description: 'Scheduled daily at 06:00 business time: the dunning run (letters, levels, fees and interest, escalations)',
    tables: dunningRunTables,
    stateMachines: [
      { machine: 'DunningEscalation', access: 'start' },
      { machine: 'DunningEscalation', access: 'respond' },
    ],
    sendsEmail: true,
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  {
    id: 'StartDunningRun',
    entry: api('start-dunning-run'),
    description: 'POST /dunning/runs: a dunning run now (asOf, dryRun); the same code as the scheduled run',
    tables: [...dunningRunTables, { table: 'Idempotency', access: 'readWrite' }],
    stateMachines: [
      { machine: 'DunningEscalation', access: 'start' },
      { machine: 'DunningEscalation', access: 'respond' },
    ],
    sendsEmail: true,
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    id: 'GetDunningRun',
    entry: api('get-dunning-run'),
    description: 'GET /dunning/runs/{runId}: customers contacted, items and levels, items skipped with the reason',
    tables: [{ table: 'DunningRuns', access: 'read' }],
  },
  {
    id: 'ListDunningPolicies',
    entry: api('list-dunning-policies'),
    description: 'GET /dunning/policies: the built-in and stored dunning policies',
    tables: [{ table: 'DunningPolicies', access: 'read' }],
  },
  {
    id: 'PutDunningPolicy',
    entry: api('put-dunning-policy'),
    description: 'PUT /dunning/policies/{policyId}: validate and store a dunning policy',
    tables: [
      { table: 'DunningPolicies', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
  },
  {
    id: 'OpenDispute',
    entry: api('open-dispute'),
    description: 'POST /invoices/{invoiceId}/disputes: dispute an invoice, blocking its dunning',
    tables: dunningActionTables,
    stateMachines: [{ machine: 'DunningEscalation', access: 'respond' }],
  },
  {
    id: 'ResolveDispute',
    entry: api('resolve-dispute'),
    description: 'POST /invoices/{invoiceId}/disputes/{disputeId}/resolve: credit (a credit note) or reject; dunning resumes',
    tables: [...dunningActionTables, { table: 'CreditNotes', access: 'readWrite' }, { table: 'Counters', access: 'readWrite' }],
    stateMachines: [
      { machine: 'DunningEscalation', access: 'respond' },
      { machine: 'InvoiceSettlement', access: 'respond' },
    ],
  },
  {
    id: 'RecordPromise',
    entry: api('record-promise'),
    description: 'POST /invoices/{invoiceId}/promises: a promise to pay blocks dunning until its date',
    tables: dunningActionTables,
    stateMachines: [{ machine: 'DunningEscalation', access: 'respond' }],
  },
  {
    id: 'BlockDunning',
    entry: api('block-dunning'),
    description: 'POST /invoices/{invoiceId}/dunning-block: no reminders until an end date, with a reason',
    tables: dunningActionTables,
    stateMachines: [{ machine: 'DunningEscalation', access: 'respond' }],
  },
  {
    id: 'SetInvoiceDunningPolicy',
    entry: api('set-invoice-dunning-policy'),
    description: 'PUT /invoices/{invoiceId}/dunning-policy: the per-invoice dunning policy override',
    tables: [...dunningActionTables, { table: 'DunningPolicies', access: 'read' }],
    stateMachines: [{ machine: 'DunningEscalation', access: 'respond' }],
  },
  {
    id: 'WriteOffInvoice',
    entry: api('write-off-invoice'),
    description: 'POST /invoices/{invoiceId}/write-off: write off as bad debt, ending the escalation',
    tables: dunningActionTables,
    stateMachines: [
      { machine: 'DunningEscalation', access: 'respond' },
      { machine: 'InvoiceSettlement', access: 'respond' },
    ],
  },
  {
    id: 'CollectionsWorklist',
    entry: api('collections-worklist'),
    description: 'GET /collections/worklist: invoices handed to collectors, ranked by value at stake, broken promises and disputes marked',
    tables: [
      { table: 'DunningRuns', access: 'read' },
      { table: 'Invoices', access: 'read' },
      { table: 'Predictions', access: 'read' },
    ],
  },
  {
    id: 'AwaitDunningEvent',
    entry: step('await-dunning-event'),
    description: "Escalation step (.waitForTaskToken): keep the token on the invoice until the next entry of its dunning history",
    tables: [{ table: 'Invoices', access: 'readWrite' }],
    stateMachines: [{ machine: 'DunningEscalation', access: 'respond' }],
  },
  {
    id: 'EndDunningEscalation',
    entry: step('end-dunning-escalation'),
    description: 'Invoice settlement step: a settled invoice ends its dunning escalation (Settled) at once',
    tables: [
      { table: 'Invoices', access: 'readWrite' },
      { table: 'DunningRuns', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'DunningEscalation', access: 'respond' }],
  },
  {
    id: 'RecordEmailFeedback',
    entry: step('record-email-feedback'),
    description: 'SES bounces and complaints (SNS): recorded on the reminder and its items, which the next run sends again',
    tables: [
      { table: 'Invoices', access: 'readWrite' },
      { table: 'DunningRuns', access: 'readWrite' },
    ],
  },
  {
    id: 'PutCustomer',
    entry: api('put-customer'),
    description: 'PUT /customers/{customerId}: create or update a customer',
    tables: [
      { table: 'Customers', access: 'readWrite' },
      { table: 'Invoices', access: 'read' },
      { table: 'Orders', access: 'read' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
  },
  {
    id: 'GetCustomer',
    entry: api('get-customer'),
    description: 'GET /customers/{customerId}: the customer with balances, and for finance its payment risk',
    tables: [
      { table: 'Customers', access: 'read' },
      { table: 'Invoices', access: 'read' },
      { table: 'Orders', access: 'read' },
      { table: 'Predictions', access: 'read' },
    ],
  },
  {
    id: 'PlaceOrder',
    entry: api('place-order'),
    description: 'POST /orders: validate, store and start the order lifecycle',
    tables: [
      { table: 'Customers', access: 'read' },
      { table: 'Orders', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'OrderLifecycle', access: 'start' }],
  },
  {
    id: 'GetOrder',
    entry: api('get-order'),
    description: "GET /orders/{orderId}: status, lines, totals, invoices and history; on a credit hold, for finance, the customer's payment risk",
    tables: [
      { table: 'Orders', access: 'read' },
      { table: 'Predictions', access: 'read' },
    ],
  },
  {
    id: 'ReportShipment',
    entry: api('report-shipment'),
    description: 'POST /orders/{orderId}/shipments: record the shipment and resume the order',
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'OrderLifecycle', access: 'respond' }],
  },
  {
    id: 'CancelOrder',
    entry: api('cancel-order'),
    description: 'POST /orders/{orderId}/cancel: cancel an order before it is invoiced',
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Customers', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'OrderLifecycle', access: 'respond' }],
  },
  {
    id: 'GetInvoice',
    entry: api('get-invoice'),
    description: 'GET /invoices/{invoiceId}: the invoice with balance, status and allocations, and for finance its payment prediction',
    tables: [
      { table: 'Invoices', access: 'read' },
      { table: 'Predictions', access: 'read' },
    ],
  },
  {
    id: 'GetInvoiceDocument',
    entry: api('get-invoice-document'),
    description: 'GET /invoices/{invoiceId}/document: the invoice rendered as PDF, or HTML on Accept: text/html',
    tables: [
      { table: 'Invoices', access: 'read' },
      { table: 'Customers', access: 'read' },
      { table: 'DirectDebits', access: 'read' },
    ],
    // Renders the PDF (fonts parsed at cold start): twice the default's CPU.
    memoryMb: 512,
  },
  {
    id: 'ListInvoices',
    entry: api('list-invoices'),
    description: "GET /invoices?customerId=&status=: invoices of a customer or in a status, paginated; a storefront's own (byOwner index)",
    tables: [
      { table: 'Invoices', access: 'read' },
      // A storefront's customerId is checked against the customer's owner.
      { table: 'Customers', access: 'read' },
    ],
  },
  {
    id: 'RecordPayment',
    entry: api('record-payment'),
    description: 'POST /payments: record a payment taken online and apply it to the invoices it names',
    tables: [
      // Orders: the payment that settles an order's last open invoice completes the order (its execution ends at once).
      { table: 'Orders', access: 'readWrite' },
      { table: 'Payments', access: 'readWrite' },
      { table: 'Invoices', access: 'readWrite' },
      { table: 'Customers', access: 'readWrite' },
      { table: 'Ledger', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'InvoiceSettlement', access: 'respond' }],
  },
  {
    id: 'UploadStatement',
    entry: api('upload-statement'),
    description: 'POST /remittances: take a bank statement (the body, or {"uploadId"} of a file PUT to S3), answer 202 and start its processing',
    tables: [
      { table: 'Statements', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
      // Remittance advices (kept in Statements): one that comes after its transfer applies the unapplied payment by hand.
      { table: 'Payments', access: 'readWrite' },
      { table: 'Invoices', access: 'readWrite' },
      { table: 'Customers', access: 'write' },
      { table: 'Payers', access: 'readWrite' },
      { table: 'Ledger', access: 'write' },
    ],
    buckets: [
      { bucket: 'Uploads', access: 'read', prefix: prefixes.statementUploads },
      { bucket: 'Uploads', access: 'write', prefix: prefixes.statementsReceived },
    ],
    stateMachines: [
      { machine: 'StatementProcessing', access: 'start' },
      { machine: 'InvoiceSettlement', access: 'respond' },
    ],
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    id: 'CreateUploadUrl',
    entry: api('create-upload-url'),
    description: 'POST /remittances/uploads, POST /invoices/import/uploads: a presigned S3 PUT URL (5 minutes, the declared length) and its upload id',
    tables: [],
    buckets: [
      { bucket: 'Uploads', access: 'write', prefix: prefixes.statementUploads },
      { bucket: 'Uploads', access: 'write', prefix: prefixes.importUploads },
    ],
  },
  {
    id: 'ReadStatement',
    entry: step('read-statement'),
    description: 'Statement step: read the statement file from S3, note its format and lines, or say why it cannot be read',
    tables: [{ table: 'Statements', access: 'readWrite' }],
    buckets: [{ bucket: 'Uploads', access: 'read', prefix: prefixes.statements }],
    timeoutSeconds: 120,
    memoryMb: 1024,
  },
  {
    id: 'ApplyStatementLines',
    entry: step('apply-statement-lines'),
    description: 'Statement step: match the credit lines to open items and apply them, each line once, chunk by chunk from the saved progress',
    tables: [
      { table: 'Statements', access: 'readWrite' },
      { table: 'StatementLines', access: 'readWrite' },
      { table: 'Payers', access: 'readWrite' },
      { table: 'Invoices', access: 'readWrite' },
      { table: 'Payments', access: 'write' },
      { table: 'Customers', access: 'write' },
      { table: 'Ledger', access: 'write' },
      { table: 'DirectDebits', access: 'readWrite' },
      { table: 'Imports', access: 'read' },
      { table: 'Counters', access: 'read' },
    ],
    buckets: [{ bucket: 'Uploads', access: 'read', prefix: prefixes.statements }],
    stateMachines: [{ machine: 'InvoiceSettlement', access: 'respond' }],
    timeoutSeconds: 300,
    memoryMb: 1024,
  },
  {
    id: 'GetStatement',
    entry: api('get-statement'),
    description: 'GET /remittances/{statementId}: the statement with its progress and the outcome of each line',
    tables: [{ table: 'Statements', access: 'read' }],
  },
  {
    id: 'ListUnappliedPayments',
    entry: api('list-unapplied-payments'),
    description: 'GET /payments/unapplied: the worklist of payments not (fully) applied, with the matcher suggestion',
    tables: [{ table: 'Payments', access: 'read' }],
  },
  {
    id: 'ApplyPayment',
    entry: api('apply-payment'),
    description: 'POST /payments/{paymentId}/apply: finance applies an unapplied payment by hand; the payer is remembered for the customer',
    tables: [
      { table: 'Payments', access: 'readWrite' },
      { table: 'Invoices', access: 'readWrite' },
      { table: 'Customers', access: 'write' },
      { table: 'Payers', access: 'write' },
      { table: 'Ledger', access: 'write' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'InvoiceSettlement', access: 'respond' }],
  },
  {
    id: 'LedgerCheck',
    entry: api('ledger-check'),
    description: 'GET /reports/ledger-check: debits equal credits and receivables equal open items; GET /ledger/journals (CSV, DATEV), GET /ledger/periods, POST /ledger/periods/{period}/close',
    tables: [
      { table: 'Ledger', access: 'readWrite' },
      { table: 'Invoices', access: 'read' },
      { table: 'CreditNotes', access: 'read' },
      { table: 'Payments', access: 'read' },
      { table: 'Outbox', access: 'write' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    timeoutSeconds: 60,
  },
  {
    id: 'ImportInvoices',
    entry: api('import-invoices'),
    description: 'POST /invoices/import: check up to 10,000 open items of an earlier ledger (the body, or {"uploadId"} of a file PUT to S3), answer 202 and start the import',
    tables: [
      { table: 'Imports', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    buckets: [
      { bucket: 'Uploads', access: 'read', prefix: prefixes.importUploads },
      { bucket: 'Uploads', access: 'write', prefix: prefixes.importsReceived },
    ],
    stateMachines: [{ machine: 'InvoiceImport', access: 'start' }],
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    id: 'GetInvoiceImport',
    entry: api('get-invoice-import'),
    description: 'GET /invoices/import/{importId}: the import with its progress, and its result or the problems that refused it',
    tables: [{ table: 'Imports', access: 'read' }],
  },
  {
    id: 'ImportOpenItems',
    entry: step('import-open-items'),
    description: 'Import step: check the items against customers and numbers, then write the invoices and opening-balance journals, all or nothing, continuing where a previous attempt stopped',
    tables: [
      { table: 'Invoices', access: 'readWrite' },
      { table: 'Customers', access: 'read' },
      { table: 'Ledger', access: 'readWrite' },
      { table: 'Imports', access: 'readWrite' },
    ],
    buckets: [{ bucket: 'Uploads', access: 'read', prefix: prefixes.imports }],
    timeoutSeconds: 60,
    memoryMb: 1024,
  },
  {
    id: 'RecordCreditDecision',
    entry: api('record-credit-decision'),
    description: 'POST /orders/{orderId}/credit-decision: finance approves or rejects an order on credit hold',
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Customers', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'OrderLifecycle', access: 'respond' }],
  },
  {
    id: 'CheckCredit',
    entry: step('check-credit'),
    description: 'Order step CheckCreditAndWaitForShipment: reject blocked customers, put orders over the credit limit on hold, reserve the credit of approved ones, then keep the task token until the first shipment',
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Customers', access: 'readWrite' },
      { table: 'Invoices', access: 'read' },
    ],
    stateMachines: [{ machine: 'OrderLifecycle', access: 'respond' }],
    // Measured: a few DynamoDB or Step Functions calls, no CPU work (npm run bench:cost); the smallest size.
    memoryMb: 128,
    // The credit check reads the customer's open orders and items; the wait is kept only with 4 s of this left (TooLittleTimeToWait).
    timeoutSeconds: 30,
  },
  {
    id: 'WaitForCreditDecision',
    entry: step('wait-for-credit-decision'),
    description: "Order step: keep the task token so finance's credit decision resumes the order",
    tables: [{ table: 'Orders', access: 'readWrite' }],
    stateMachines: [{ machine: 'OrderLifecycle', access: 'respond' }],
    // Measured: a few DynamoDB or Step Functions calls, no CPU work (npm run bench:cost); the smallest size.
    memoryMb: 128,
  },
  {
    id: 'WaitForOrderSettlement',
    entry: step('wait-for-order-settlement'),
    description: 'Order step AwaitOrderSettlement: keep the task token on every open invoice of the order until a settlement resumes it',
    tables: [
      { table: 'Orders', access: 'read' },
      { table: 'Invoices', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'OrderLifecycle', access: 'respond' }],
    // Measured: a few DynamoDB or Step Functions calls, no CPU work (npm run bench:cost); the smallest size.
    memoryMb: 128,
  },
  {
    id: 'RecordInvoiceSettled',
    entry: step('record-invoice-settled'),
    description: 'Invoice step: count a settled invoice on its order and resume the order when it was the last',
    tables: [{ table: 'Orders', access: 'readWrite' }],
    stateMachines: [{ machine: 'OrderLifecycle', access: 'respond' }],
  },
  {
    id: 'WaitForShipment',
    entry: step('wait-for-shipment'),
    description: 'Order step: keep the task token so the shipment report can resume the order',
    tables: [{ table: 'Orders', access: 'readWrite' }],
    stateMachines: [{ machine: 'OrderLifecycle', access: 'respond' }],
    // Measured: a few DynamoDB or Step Functions calls, no CPU work (npm run bench:cost); the smallest size.
    memoryMb: 128,
  },
  {
    id: 'IssueInvoice',
    entry: step('invoice-shipment'),
    description: 'Order step InvoiceShipment: issue the invoice with a gapless number, RF reference and ledger entries, then email it through SES',
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Customers', access: 'readWrite' },
      { table: 'Invoices', access: 'readWrite' },
      { table: 'Counters', access: 'readWrite' },
      { table: 'Ledger', access: 'readWrite' },
      { table: 'DirectDebits', access: 'read' },
    ],
    // Applies on-account credit to the new invoice where the customer's setting says so (a settlement).
    stateMachines: [{ machine: 'InvoiceSettlement', access: 'respond' }],
    sendsEmail: true,
    // Renders the PDF attachment (fonts parsed at cold start): twice the default's CPU.
    memoryMb: 512,
  },
  {
    id: 'WaitForPayment',
    entry: step('wait-for-payment'),
    description: 'Invoice step: keep the task token so a payment settling the invoice resumes its settlement',
    tables: [{ table: 'Invoices', access: 'readWrite' }],
    stateMachines: [{ machine: 'InvoiceSettlement', access: 'respond' }],
  },
  {
    id: 'CompleteOrder',
    entry: step('complete-order'),
    description: 'Order step: end the escalations of settled invoices; complete the order once its invoices are settled',
    tables: [
      { table: 'Orders', access: 'readWrite' },
      { table: 'Invoices', access: 'readWrite' },
      { table: 'DunningRuns', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'DunningEscalation', access: 'respond' }],
    // Measured: a few DynamoDB or Step Functions calls, no CPU work (npm run bench:cost); the smallest size.
    memoryMb: 128,
  },
  {
    id: 'MarkOverdueInvoices',
    entry: step('mark-overdue-invoices'),
    description: "Order step: a waiting step timed out; the order's invoices past their due date with a balance become OVERDUE",
    tables: [
      { table: 'Orders', access: 'read' },
      { table: 'Invoices', access: 'readWrite' },
    ],
    // Measured: a few DynamoDB or Step Functions calls, no CPU work (npm run bench:cost); the smallest size.
    memoryMb: 128,
  },
  {
    id: 'ListCustomers',
    entry: api('list-customers'),
    description: "GET /customers: customers with their terms, a page of a scan at a time (finance console); a storefront's own (byRegisteredBy index)",
    tables: [{ table: 'Customers', access: 'read' }],
  },
  {
    id: 'ListOrders',
    entry: api('list-orders'),
    description: "GET /orders?status=&customerId=: orders newest first from the byStatus or byCustomer index (finance console); a storefront's own (byOwner index)",
    tables: [
      { table: 'Orders', access: 'read' },
      // A storefront's customerId is checked against the customer's owner.
      { table: 'Customers', access: 'read' },
    ],
  },
  {
    id: 'GetOrderExecution',
    entry: api('get-order-execution'),
    description: "GET /orders/{orderId}/execution: the order lifecycle's definition and the states the order's execution went through",
    tables: [{ table: 'Orders', access: 'read' }],
    stateMachines: [{ machine: 'OrderLifecycle', access: 'read' }],
  },
  {
    id: 'AgingReport',
    entry: api('aging-report'),
    description: 'GET /reports/aging: open items in aging buckets per currency and customer (Invoices byStatus index)',
    tables: [{ table: 'Invoices', access: 'read' }],
  },
  {
    id: 'KpiReport',
    entry: api('kpi-report'),
    description: 'GET /reports/kpis: DSO (countback), CEI, cash collected, auto-match rate; reads the whole journal (finance only)',
    tables: [
      { table: 'Ledger', access: 'read' },
      { table: 'Invoices', access: 'read' },
      // The auto-match rate: the statement items' counts (a scan for sk "statement").
      { table: 'Statements', access: 'read' },
    ],
    timeoutSeconds: 60,
    memoryMb: 1024,
  },
  // Faults survived and seen: the attention worklist every state machine falls back to, and continue-as-new.
  {
    id: 'RecordNeedsAttention',
    entry: step('record-needs-attention'),
    description: "NeedsAttention (.waitForTaskToken): a step failed after its retries; the order or invoice goes on finance's attention worklist until finance retries it",
    tables: [
      { table: 'Attention', access: 'readWrite' },
      { table: 'Orders', access: 'readWrite' },
      { table: 'Invoices', access: 'readWrite' },
      { table: 'Statements', access: 'readWrite' },
      { table: 'Imports', access: 'readWrite' },
    ],
  },
  {
    id: 'RenewExecution',
    entry: step('renew-execution'),
    description: 'ContinueInNewExecutionIfOld: an execution older than 300 days starts its continuation (standard executions last a year at most)',
    tables: [],
    stateMachines: [
      { machine: 'OrderLifecycle', access: 'start' },
      { machine: 'InvoiceSettlement', access: 'start' },
      { machine: 'DunningEscalation', access: 'start' },
      { machine: 'StatementProcessing', access: 'start' },
      { machine: 'InvoiceImport', access: 'start' },
    ],
  },
  {
    id: 'ListAttentionWorklist',
    entry: api('list-attention-worklist'),
    description: 'GET /worklists/attention: orders and invoices whose step failed after its retries, with the step, error and cause',
    tables: [{ table: 'Attention', access: 'read' }],
  },
  {
    id: 'RetryAfterAttention',
    entry: api('retry-after-attention'),
    description: 'POST /orders/{orderId}/retry, /invoices/{invoiceId}/retry, /remittances/{statementId}/retry, /invoices/import/{importId}/retry: the failed step runs again in the waiting execution',
    tables: [
      { table: 'Attention', access: 'readWrite' },
      { table: 'Orders', access: 'readWrite' },
      { table: 'Invoices', access: 'readWrite' },
      { table: 'Statements', access: 'readWrite' },
      { table: 'Imports', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    stateMachines: [
      { machine: 'OrderLifecycle', access: 'respond' },
      { machine: 'InvoiceSettlement', access: 'respond' },
      { machine: 'DunningEscalation', access: 'respond' },
      { machine: 'StatementProcessing', access: 'respond' },
      { machine: 'InvoiceImport', access: 'respond' },
    ],
  },  {
    id: 'GetOpenApi',
    entry: api('get-open-api'),
    description: 'GET /openapi.json: the OpenAPI 3.1 document generated from the route table and the schemas',
    tables: [],
  },
  {
    id: 'GetInvoiceEinvoice',
    entry: api('get-invoice-einvoice'),
    description: 'GET /invoices/{invoiceId}/einvoice?format=: the invoice as EN 16931 XML (UBL, CII, XRechnung, Peppol BIS); 409 naming missing data',
    tables: [{ table: 'Invoices', access: 'read' }],
  },
  {
    id: 'CreateCreditNote',
    entry: api('create-credit-note'),
    description: 'POST /invoices/{invoiceId}/credit-notes: a credit note (type 381, own number series) for the whole invoice, some lines or an amount; balanced journal; rest of a paid invoice to on-account credit',
    tables: [
      { table: 'Invoices', access: 'readWrite' },
      { table: 'CreditNotes', access: 'readWrite' },
      { table: 'Counters', access: 'readWrite' },
      { table: 'Ledger', access: 'readWrite' },
      { table: 'Customers', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'InvoiceSettlement', access: 'respond' }],
  },
  {
    id: 'GetCreditNote',
    entry: api('get-credit-note'),
    description: 'GET /credit-notes/{creditNoteId}, /document (PDF or HTML) and /einvoice?format= (UBL, CII, XRechnung, Peppol BIS)',
    tables: [
      { table: 'CreditNotes', access: 'read' },
      { table: 'Invoices', access: 'read' },
      { table: 'Customers', access: 'read' },
    ],
  },
  // Payment prediction (issue 14): the daily run (retraining weekly), on demand, and the cash-in forecast.
  {
    id: 'RunPaymentPredictions',
    entry: step('run-payment-predictions'),
    description: 'Scheduled daily at 05:30 business time: payment-date predictions of the open items, customer risk and the cash-in forecast (the model retrained when a week old)',
    tables: [
      { table: 'Invoices', access: 'read' },
      { table: 'Customers', access: 'read' },
      { table: 'Predictions', access: 'readWrite' },
    ],
    timeoutSeconds: 900,
    memoryMb: 1769,
  },
  {
    id: 'StartPaymentPredictions',
    entry: api('start-payment-predictions'),
    description: 'POST /predictions/runs: the prediction run now (retrain: true trains a new model first); the same code as the scheduled run',
    tables: [
      { table: 'Invoices', access: 'read' },
      { table: 'Customers', access: 'read' },
      { table: 'Predictions', access: 'readWrite' },
    ],
    timeoutSeconds: 900,
    memoryMb: 1769,
  },
  {
    id: 'CashForecastReport',
    entry: api('cash-forecast-report'),
    description: 'GET /reports/cash-forecast: the 13-week cash-in forecast per currency with its interval and backtest; CSV on Accept: text/csv',
    tables: [{ table: 'Predictions', access: 'read' }],
  },
  // Domain events and webhooks (issue 16): the outbox's forwarder, the bus rule's target, the delivery step, the webhooks API.
  {
    id: 'ForwardEvents',
    entry: 'lambdas/handlers/events/forward-events.ts',
    description: "Reads the Outbox table's stream: publishes each new domain event on the event bus once (publishedAt), in the order written",
    tables: [{ table: 'Outbox', access: 'readWrite' }],
    eventBus: 'publish',
    timeoutSeconds: 30,
    // Measured: a few DynamoDB or Step Functions calls, no CPU work (npm run bench:cost); the smallest size.
    memoryMb: 128,
  },
  {
    id: 'RouteWebhookEvent',
    entry: 'lambdas/handlers/events/route-webhook-event.ts',
    description: 'Target of the event bus rule: starts one delivery (a WebhookDelivery execution named from the subscription and the event id) per subscription that wants the event',
    tables: [{ table: 'Webhooks', access: 'read' }],
    stateMachines: [{ machine: 'WebhookDelivery', access: 'start' }],
    // Measured: a few DynamoDB or Step Functions calls, no CPU work (npm run bench:cost); the smallest size.
    memoryMb: 128,
  },
  {
    id: 'DeliverWebhook',
    entry: 'lambdas/handlers/events/deliver-webhook.ts',
    description: 'One delivery attempt of an event to a webhook (Standard Webhooks signature), recorded with its outcome; says when to try again',
    tables: [{ table: 'Webhooks', access: 'readWrite' }],
    timeoutSeconds: 30,
  },
  {
    id: 'RegisterWebhook',
    entry: api('register-webhook'),
    description: 'POST /webhooks: registers a url and the event types it wants; answers the webhookId and its signing secret (shown once)',
    tables: [
      { table: 'Webhooks', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
  },
  {
    id: 'ListWebhooks',
    entry: api('list-webhooks'),
    description: "GET /webhooks: the caller's subscriptions (finance: all), without their secrets",
    tables: [{ table: 'Webhooks', access: 'read' }],
  },
  {
    id: 'DeleteWebhook',
    entry: api('delete-webhook'),
    description: 'DELETE /webhooks/{webhookId}: ends a subscription (its deliveries stay readable)',
    tables: [
      { table: 'Webhooks', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
  },
  {
    id: 'ListWebhookDeliveries',
    entry: api('list-webhook-deliveries'),
    description: 'GET /webhooks/{webhookId}/deliveries: each event delivered or being delivered, with its attempts',
    tables: [{ table: 'Webhooks', access: 'read' }],
  },
  // The customer portal and card payments (issue 12).
  {
    id: 'Portal',
    entry: api('portal'),
    // One function for all of the portal's routes: CloudFormation allows 500 resources per stack.
    description: 'The customer portal: GET /portal, card checkout, disputes, promises, billing email, documents; the statement of account; pay link revocation and portal activity (finance)',
    tables: [
      { table: 'Customers', access: 'readWrite' },
      { table: 'PortalActivity', access: 'readWrite' },
      ...dunningActionTables,
      // The promise limit of the item's dunning policy (issue 12).
      { table: 'DunningPolicies', access: 'read' },
      { table: 'DirectDebits', access: 'readWrite' },
    ],
    // On-account credit applied in the portal may settle an invoice: its order execution resumes (issue 12).
    stateMachines: [{ machine: 'DunningEscalation', access: 'respond' }, { machine: 'InvoiceSettlement', access: 'respond' }],
  },
  {
    id: 'StripeWebhook',
    entry: api('stripe-webhook'),
    description: "POST /webhooks/stripe: the payment provider's signed events; a paid checkout is recorded once as a payment (with the provider fee as its own journal), a refund or chargeback reopens the items",
    tables: [
      { table: 'Invoices', access: 'readWrite' },
      { table: 'Payments', access: 'readWrite' },
      { table: 'Ledger', access: 'readWrite' },
      { table: 'Customers', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'InvoiceSettlement', access: 'respond' }],
  },
  {
    id: 'SendStatements',
    entry: step('send-statements'),
    description: 'Scheduled on the first of the month: the statement of account of last month (PDF, with a pay link) to every customer with open items or activity',
    tables: [
      { table: 'Invoices', access: 'read' },
      { table: 'Customers', access: 'read' },
    ],
    sendsEmail: true,
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  // SEPA (issue 13): mandates, the collection run, its files, returns, refunds.
  {
    id: 'RunCollections',
    entry: step('run-collections'),
    description: 'Scheduled daily at 05:30 business time: the SEPA collection run (pain.008 files of the invoices due on the next collection date)',
    tables: sepaCollectionTables,
    timeoutSeconds: 300,
  },
  {
    id: 'DirectDebitsApi',
    entry: api('direct-debits'),
    description: 'SEPA routes: mandates, collection runs and files (pain.008), returns (camt, pain.002), refunds (pain.001) and on-account credit applied',
    tables: [
      { table: 'DirectDebits', access: 'readWrite' },
      { table: 'Invoices', access: 'readWrite' },
      { table: 'Customers', access: 'readWrite' },
      { table: 'Ledger', access: 'readWrite' },
      { table: 'Idempotency', access: 'readWrite' },
    ],
    stateMachines: [{ machine: 'InvoiceSettlement', access: 'respond' }],
    timeoutSeconds: 29,
  },
];

/** Tables whose changes report domain events: a function that writes one of them also writes the outbox, in the same transaction. */
const REPORTING_TABLES: readonly TableId[] = ['Orders', 'Invoices', 'Payments', 'Statements', 'DirectDebits'];

/** Every declared function, with write access to the Outbox table where it writes a table whose changes report events. */
export const functions: readonly FunctionDefinition[] = declaredFunctions.map((f): FunctionDefinition =>
  f.tables.some((t) => REPORTING_TABLES.includes(t.table) && t.access !== 'read') && !f.tables.some((t) => t.table === 'Outbox')
    ? { ...f, tables: [...f.tables, { table: 'Outbox', access: 'write' }] }
    : f,
).map(withLedgerRead).map(withOrderSettlement);

/**
 * A function that settles invoices (its `InvoiceSettlement` task responses) also resumes the order
 * waiting for them: the order lifecycle tracks its invoices' settlement while they are not overdue
 * (`AwaitOrderSettlement`), its task token kept on each open invoice.
 */
function withOrderSettlement(f: FunctionDefinition): FunctionDefinition {
  const machines = f.stateMachines ?? [];
  if (!machines.some((m) => m.machine === 'InvoiceSettlement' && m.access === 'respond')) return f;
  if (machines.some((m) => m.machine === 'OrderLifecycle' && m.access === 'respond')) return f;
  return { ...f, stateMachines: [...machines, { machine: 'OrderLifecycle', access: 'respond' }] };
}

/**
 * A function that writes journals also reads the Ledger table: every journal writer reads the closed
 * periods' item and checks it in its transaction (`adapters/dynamodb/ledger-periods.ts`).
 */
function withLedgerRead(f: FunctionDefinition): FunctionDefinition {
  return { ...f, tables: f.tables.map((t) => (t.table === 'Ledger' && t.access === 'write' ? { ...t, access: 'readWrite' as const } : t)) };
}

export function functionById(id: FunctionId): FunctionDefinition {
  const fn = functions.find((f) => f.id === id);
  if (!fn) throw new Error(`No function ${id}`);
  return fn;
}

/**
 * Defaults of a function that declares no `memoryMb` / `timeoutSeconds` (the CDK stack and the local
 * runtime). 256 MB: the handlers are DynamoDB round trips with bundles of a few hundred KiB; the ones
 * that render documents or read whole files declare more.
 */
export const functionDefaults = { memoryMb: 256, timeoutSeconds: 10 } as const;
