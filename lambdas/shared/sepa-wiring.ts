/** The real adapters of SEPA (mandates, collections, returns), built from the environment. */
import { documentClient } from '../adapters/dynamodb/document-client';
import { DynamoDirectDebitStore } from '../adapters/dynamodb/direct-debit-store';
import type { CollectionDeps } from '../core/sepa/collection';
import type { MandateDeps } from '../core/sepa/mandates';
import { requireEnv, tableName, tablesFromEnv } from './config';
import { directDebitSettingsFrom, sellerFrom } from '../../lib/definitions/settings';
import type { ReturnDeps } from '../core/sepa/returns';
import { parseAmount } from '../core/money/money';
import { clock, coreSettings, customerStore, invoiceReader, newId, postingWriter, recordedFactWorkflow } from './wiring';
import type { RefundDeps } from '../core/sepa/refunds';
import { statementDirectDebits } from '../core/sepa/statement-direct-debits';
import { openItemReader } from './wiring';

export const directDebitStore = () => new DynamoDirectDebitStore(documentClient(), tableName('DirectDebits'), tablesFromEnv({ outbox: 'Outbox' }).outbox);

/** The core settings with the seller's creditor identifier checked (format and check digits): a wrong one fails at cold start, naming the setting. */
export function sepaSettings() {
  return { ...coreSettings(), seller: sellerFrom(JSON.parse(requireEnv('SELLER_JSON'))) };
}

export function mandateDeps(): MandateDeps {
  return { directDebits: directDebitStore(), customers: customerStore(), clock, newId, settings: sepaSettings() };
}

export function collectionDeps(): CollectionDeps {
  const sepa = directDebitSettingsFrom(process.env.DIRECT_DEBITS_JSON);
  return { directDebits: directDebitStore(), invoices: invoiceReader(), postings: postingWriter(), clock, newId, settings: { ...sepaSettings(), leadTimes: sepa.leadTimeDays } };
}

export function returnDeps(): ReturnDeps {
  const sepa = directDebitSettingsFrom(process.env.DIRECT_DEBITS_JSON);
  return {
    directDebits: directDebitStore(),
    invoices: invoiceReader(),
    postings: postingWriter(),
    clock,
    settings: { businessTimeZone: coreSettings().businessTimeZone, returnFeeMinor: parseAmount(sepa.returnFee, 'EUR').minor },
  };
}

export function refundDeps(): RefundDeps {
  return { directDebits: directDebitStore(), customers: customerStore(), invoices: invoiceReader(), workflow: recordedFactWorkflow(), postings: postingWriter(), clock, newId, settings: sepaSettings() };
}

/** SEPA in an ordinary bank statement (POST /remittances): collections read with their files, returns recorded as POST /collections/returns does. */
export function statementDirectDebitDeps() {
  return statementDirectDebits({ ...returnDeps(), openItems: openItemReader() });
}
