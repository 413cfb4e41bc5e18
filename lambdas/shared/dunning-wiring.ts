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
import { tableById } from '../../lib/definitions/tables';
import { clock, coreSettings, mailer, newId } from './wiring';
import type { DunningDeps } from '../core/dunning/run-dunning';

const TABLES: Record<keyof DunningTables, TableId> = {
  invoices: 'Invoices',
  customers: 'Customers',
  ledger: 'Ledger',
  policies: 'DunningPolicies',
  runs: 'DunningRuns',
};

/** The dunning store over the tables this function was given (by their environment variables). */
export function dunningStore(): DynamoDunningStore {
  const tables: Partial<Record<keyof DunningTables, string>> = {};
  for (const [key, id] of Object.entries(TABLES) as [keyof DunningTables, TableId][]) {
    const name = process.env[tableById(id).envVar];
    if (name) tables[key] = name;
  }
  return new DynamoDunningStore(documentClient(), tables);
}

export const escalations = () => new StepFunctionsEscalations(sfnClient(), process.env[stateMachineById('DunningEscalation').envVar]);

/** Everything the dunning use cases need; the mailer only where the function sends email. */
export function dunningDeps(options: { sendsEmail?: boolean } = {}): DunningDeps & { store: DynamoDunningStore } {
  const store = dunningStore();
  const settings = coreSettings();
  return {
    store,
    workflow: escalations(),
    mailer: options.sendsEmail ? mailer() : { send: async () => Promise.reject(new Error('This function does not send email')) },
    clock,
    newId,
    settings: { businessTimeZone: settings.businessTimeZone, seller: settings.seller },
  };
}
