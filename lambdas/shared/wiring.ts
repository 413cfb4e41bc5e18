/**
 * The real adapters, built from the environment the stack (or the local runtime) sets. Each
 * handler asks only for what it uses, so a missing variable names itself at cold start.
 */
import { DynamoAdviceStore } from '../adapters/dynamodb/advice-store';
import { randomUUID } from 'node:crypto';
import { documentClient } from '../adapters/dynamodb/document-client';
import { DynamoCustomerStore } from '../adapters/dynamodb/customer-store';
import { DynamoOrderStore } from '../adapters/dynamodb/order-store';
import { DynamoInvoiceStore } from '../adapters/dynamodb/invoice-store';
import { DynamoCreditNoteStore } from '../adapters/dynamodb/credit-note-store';
import { DynamoPayments } from '../adapters/dynamodb/payment-store';
import { DynamoPostingWriter, type PostingTables } from '../adapters/dynamodb/posting-writer';
import { DynamoStatementStore } from '../adapters/dynamodb/statement-store';
import { DynamoOpenItemReader } from '../adapters/dynamodb/open-item-reader';
import { DynamoLedgerReader } from '../adapters/dynamodb/ledger-reader';
import { IdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { SesMailer, sesClient } from '../adapters/ses/ses-mailer';
import { StepFunctionsWorkflow, sfnClient } from '../adapters/stepfunctions/sfn-workflow';
import { stateMachineById } from '../../lib/definitions/state-machines';
import type { CoreSettings } from '../core/deps';
import { systemClock } from '../core/time/clock';
import { requireEnv, tableName, tablesFromEnv } from './config';
import { tableById, type TableId } from '../../lib/definitions/tables';
import { customerDefaultsFrom } from '../../lib/definitions/settings';
import { RecordedFactWorkflow } from './recorded-fact-workflow';
import { S3HandedInFiles, s3Client } from '../adapters/s3/handed-in-files';
import { StepFunctionsProcessingStarter } from '../adapters/stepfunctions/processing-starter';
import { bucketById } from '../../lib/definitions/buckets';
import { DynamoImportProgressStore } from '../adapters/dynamodb/import-progress-store';

export const clock = systemClock;
export const newId = (): string => randomUUID();

export const customerStore = () => new DynamoCustomerStore(documentClient(), tableName('Customers'));
/** Orders; with the Customers table where the function may change the customer's reserved credit. */
export const orderStore = () =>
  new DynamoOrderStore(documentClient(), tableName('Orders'), process.env[tableById('Customers').envVar] || undefined, process.env[tableById('Outbox').envVar] || undefined);
export const invoiceReader = () => new DynamoInvoiceStore(documentClient(), { invoices: tableName('Invoices'), ...tablesFromEnv({ outbox: 'Outbox' }) });
/** Credit notes; the Counters table only where the function issues them (reading needs none). */
export const creditNoteStore = () => new DynamoCreditNoteStore(documentClient(), { creditNotes: tableName('CreditNotes'), ...tablesFromEnv({ counters: 'Counters' }) });
export const invoiceIssuer = () =>
  new DynamoInvoiceStore(documentClient(), {
    invoices: tableName('Invoices'),
    counters: tableName('Counters'),
    orders: tableName('Orders'),
    ledger: tableName('Ledger'),
    customers: tableName('Customers'),
    ...tablesFromEnv({ outbox: 'Outbox' }),
  }, { timeZone: requireEnv('BUSINESS_TIME_ZONE'), clock });
export const paymentStore = () => new DynamoPayments(documentClient(), { payments: tableName('Payments') });

const POSTING_TABLES: Record<keyof PostingTables, TableId> = {
  invoices: 'Invoices',
  ledger: 'Ledger',
  payments: 'Payments',
  customers: 'Customers',
  payers: 'Payers',
  statements: 'Statements',
  statementLines: 'StatementLines',
  runs: 'DunningRuns',
  creditNotes: 'CreditNotes',
  counters: 'Counters',
  outbox: 'Outbox',
  directDebits: 'DirectDebits',
};

/** The one writer of money, over the tables this function was given (a posting names the table it lacks). */
export const postingWriter = () => new DynamoPostingWriter(documentClient(), tablesFromEnv(POSTING_TABLES), { timeZone: requireEnv('BUSINESS_TIME_ZONE'), clock });
export const ledgerReader = () => new DynamoLedgerReader(documentClient(), { ledger: tableName('Ledger'), invoices: tableName('Invoices') });
export const idempotency = () => ({ store: new IdempotencyStore(documentClient(), tableName('Idempotency')), clock });
export const mailer = () => new SesMailer(sesClient(), requireEnv('SES_FROM_ADDRESS'), process.env.SES_CONFIGURATION_SET || undefined);
export const workflow = () => new StepFunctionsWorkflow(sfnClient(), process.env[stateMachineById('OrderLifecycle').envVar]);
/** For API calls that record a fact and then resume the step waiting for it (see `recorded-fact-workflow.ts`). */
export const recordedFactWorkflow = () => new RecordedFactWorkflow(workflow());

export function coreSettings(): CoreSettings {
  const seller = JSON.parse(requireEnv('SELLER_JSON')) as CoreSettings['seller'];
  // Absent (a function deployed before the setting existed): the product's defaults.
  const customerDefaults = customerDefaultsFrom(process.env.CUSTOMER_DEFAULTS_JSON);
  return { businessTimeZone: requireEnv('BUSINESS_TIME_ZONE'), invoiceNumberPrefix: requireEnv('INVOICE_NUMBER_PREFIX'), seller, customerDefaults };
}

// Cash application: statements, the open items their lines concern, the unapplied worklist.
export const statementStore = () =>
  new DynamoStatementStore(documentClient(), { statements: tableName('Statements'), statementLines: tableName('StatementLines'), ...tablesFromEnv({ outbox: 'Outbox' }) });
export const statementReader = () => new DynamoStatementStore(documentClient(), { statements: tableName('Statements') });
/** Remittance advices, kept in the Statements table (`advice-store.ts`). */
export const adviceStore = () => new DynamoAdviceStore(documentClient(), { statements: tableName('Statements') });
export const openItemReader = () => new DynamoOpenItemReader(documentClient(), { invoices: tableName('Invoices'), payers: tableName('Payers') });
/** The open item reader of the statement processing: quoted numbers and RF references of imported items read by key (needs the Imports table). */
export const statementOpenItemReader = () =>
  new DynamoOpenItemReader(documentClient(), { invoices: tableName('Invoices'), payers: tableName('Payers') }, { imports: tableName('Imports'), counters: tableName('Counters'), invoiceNumberPrefix: requireEnv('INVOICE_NUMBER_PREFIX') });

// Files handed in for processing (the Uploads bucket) and the executions that process them.
export const handedInFiles = () => new S3HandedInFiles(s3Client(), requireEnv(bucketById('Uploads').envVar));
export const processingStarter = (machine: 'StatementProcessing' | 'InvoiceImport') => new StepFunctionsProcessingStarter(sfnClient(), requireEnv(stateMachineById(machine).envVar));
export const importProgress = () => new DynamoImportProgressStore(documentClient(), tableName('Imports'));
