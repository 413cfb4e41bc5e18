/**
 * The real adapters of what finance reads (reports, lists, executions), built from the environment
 * the stack (or the local runtime) sets. Optional sources (statement results) are used only when
 * the function was given their table.
 */
import { documentClient } from '../adapters/dynamodb/document-client';
import { DynamoCustomerLister, DynamoOrderLister, DynamoPromiseOutcomesReader, DynamoReceivablesReader, DynamoStatementResultsReader } from '../adapters/dynamodb/finance-reader';
import { StepFunctionsExecutionReader } from '../adapters/stepfunctions/execution-reader';
import { sfnClient } from '../adapters/stepfunctions/sfn-workflow';
import type { StatementResultsReader } from '../core/finance-ports';
import { stateMachineById } from '../../lib/definitions/state-machines';
import { requireEnv, tableName } from './config';

/** Open items only (aging): the Invoices table. */
export const openItemsReader = () => new DynamoReceivablesReader(documentClient(), { invoices: tableName('Invoices') });
/** Open items, journal and due dates (KPIs): the Invoices and Ledger tables. */
export const receivablesReader = () => new DynamoReceivablesReader(documentClient(), { invoices: tableName('Invoices'), ledger: tableName('Ledger') });

/** Cash application's statement results, when the function may read the Statements table. */
export function statementResultsReader(): StatementResultsReader | undefined {
  const name = process.env.STATEMENTS_TABLE;
  return name ? new DynamoStatementResultsReader(documentClient(), name) : undefined;
}

/** Promises kept and broken, from the invoices' dunning records (the Invoices table). */
export const promiseOutcomesReader = () => new DynamoPromiseOutcomesReader(documentClient(), tableName('Invoices'));

export const orderLister = () => new DynamoOrderLister(documentClient(), tableName('Orders'));
export const customerLister = () => new DynamoCustomerLister(documentClient(), tableName('Customers'));
export const executionReader = () => new StepFunctionsExecutionReader(sfnClient(), requireEnv(stateMachineById('OrderLifecycle').envVar));
