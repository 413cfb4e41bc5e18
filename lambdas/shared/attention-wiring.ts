/** The attention worklist and continue-as-new, wired from the environment. */
import { documentClient } from '../adapters/dynamodb/document-client';
import { DynamoAttentionStore } from '../adapters/attention/attention-store';
import { StepFunctionsExecutionStarter } from '../adapters/stepfunctions/execution-starter';
import { sfnClient } from '../adapters/stepfunctions/sfn-workflow';
import { tableName } from './config';

/** Reads and writes the worklist and marks the orders and invoices on it. */
export const attentionStore = () =>
  new DynamoAttentionStore(documentClient(), {
    attention: tableName('Attention'),
    orders: tableName('Orders'),
    invoices: tableName('Invoices'),
    statements: tableName('Statements'),
    imports: tableName('Imports'),
  });
/** Reads the worklist only. */
export const attentionReader = () => new DynamoAttentionStore(documentClient(), { attention: tableName('Attention') });
export const executionStarter = () => new StepFunctionsExecutionStarter(sfnClient());
