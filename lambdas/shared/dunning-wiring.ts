/**
 * The real adapters of dunning, built from the environment the stack (or the local runtime)
 * sets. Each handler asks only for what it uses, so a missing variable names itself at cold start.
 */
import { documentClient } from '../adapters/dynamodb/document-client';
import { DynamoDunningStore, type DunningTables } from '../adapters/dynamodb/dunning-store';
import { StepFunctionsEscalations } from '../adapters/stepfunctions/escalation-workflow';
import { sfnClient } from '../adapters/stepfunctions/sfn-workflow';
import { stateMachineById } from '../../lib/definitions/state-machines';
import type { TableId } from '../../lib/definitions/tables';
import { clock, coreSettings, mailer, newId, postingWriter } from './wiring';
import { tableName, tablesFromEnv } from './config';
import { optionalPredictionStore } from './prediction-wiring';
import { apiHandler, type ApiHandlerOptions } from './http';
import type { DunningDeps } from '../core/dunning/run-dunning';

const TABLES: Record<keyof DunningTables, TableId> = {
  invoices: 'Invoices',
  customers: 'Customers',
  ledger: 'Ledger',
  policies: 'DunningPolicies',
  runs: 'DunningRuns',
};

/** The dunning store over the tables this function was given (by their environment variables). */
import { payLinks } from './portal-wiring';
import { DynamoDirectDebitStore } from '../adapters/dynamodb/direct-debit-store';

export const dunningStore = (): DynamoDunningStore => new DynamoDunningStore(documentClient(), tablesFromEnv(TABLES));

export const escalations = () => new StepFunctionsEscalations(sfnClient(), process.env[stateMachineById('DunningEscalation').envVar]);

/** Everything the dunning use cases need; the mailer only where the function sends email. */
export function dunningDeps(options: { sendsEmail?: boolean } = {}): DunningDeps & { store: DynamoDunningStore } {
  const store = dunningStore();
  const settings = coreSettings();
  return {
    store,
    postings: postingWriter(),
    workflow: escalations(),
    mailer: options.sendsEmail ? mailer() : { send: async () => Promise.reject(new Error('This function does not send email')) },
    ...(options.sendsEmail ? { payLinks: payLinks() } : {}),
    // The run (the functions that send) reads mandates: no reminder before the due date for what direct debit collects.
    ...(options.sendsEmail ? { directDebits: new DynamoDirectDebitStore(documentClient(), tableName('DirectDebits')) } : {}),
    clock,
    newId,
    settings: { businessTimeZone: settings.businessTimeZone, seller: settings.seller },
    predictions: optionalPredictionStore(),
  };
}

/** What the invoice dunning actions need: dunning, and the order settlement a credit or write-off that settles an invoice resumes. */
export function dunningActionDeps() {
  const base = dunningDeps();
  return { ...base, settlement: base.store };
}

/** The handler of an action on one invoice's dunning (`/invoices/{invoiceId}/...`): the action's result with `statusCode`. */
export function invoiceActionHandler<D>(
  action: (deps: D, invoiceId: string, body: unknown, requestId?: string) => Promise<unknown>,
  statusCode: 200 | 201,
  deps: D,
  options: ApiHandlerOptions,
) {
  return apiHandler(options, async (request) => ({ statusCode, body: await action(deps, request.pathParameters.invoiceId ?? '', request.body, request.keyedId?.()) }));
}
