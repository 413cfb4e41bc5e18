/** The real adapters of the journal export and the accounting periods, built from the environment. */
import { documentClient } from '../adapters/dynamodb/document-client';
import { DynamoJournalLineReader } from '../adapters/dynamodb/journal-reader';
import { DynamoPeriodStore } from '../adapters/dynamodb/ledger-periods';
import { datevSettingsFrom } from '../core/journals/datev-settings';
import type { JournalDeps } from '../core/journals/journals';
import { requireEnv, tableName } from './config';
import { clock } from './wiring';

/** The environment variable holding the DATEV settings (JSON; absent: the SKR03 defaults). */
export const DATEV_ENV = 'DATEV_JSON';

export function journalDeps(): JournalDeps {
  const db = documentClient();
  return {
    journals: new DynamoJournalLineReader(db, { ledger: tableName('Ledger'), invoices: tableName('Invoices'), creditNotes: tableName('CreditNotes'), payments: tableName('Payments') }),
    periods: new DynamoPeriodStore(db, { ledger: tableName('Ledger'), outbox: tableName('Outbox') }),
    clock,
    // A wrong setting fails at cold start, naming it.
    settings: { businessTimeZone: requireEnv('BUSINESS_TIME_ZONE'), datev: datevSettingsFrom(process.env[DATEV_ENV]) },
  };
}
