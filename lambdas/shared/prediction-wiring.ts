/** The real adapters of payment prediction, built from the environment the stack (or the local runtime) sets. */
import { documentClient } from '../adapters/dynamodb/document-client';
import { DynamoAllCustomers, DynamoAllInvoices, DynamoPredictionStore } from '../adapters/dynamodb/prediction-store';
import type { PredictionRunDeps } from '../core/prediction/refresh';
import type { EventRefreshDeps } from '../core/prediction/event-refresh';
import { tableName } from './config';
import { clock, coreSettings, customerStore, invoiceReader } from './wiring';

/** Days a model is used before the daily run trains a new one. */
export const RETRAIN_EVERY_DAYS = 7;

export const predictionStore = () => new DynamoPredictionStore(documentClient(), tableName('Predictions'));

/** Present only where the function was given the Predictions table (the worklist, the invoice view). */
export function optionalPredictionStore(): DynamoPredictionStore | undefined {
  return process.env.PREDICTIONS_TABLE ? predictionStore() : undefined;
}

export function predictionRunDeps(): PredictionRunDeps {
  return {
    invoices: new DynamoAllInvoices(documentClient(), tableName('Invoices')),
    customers: new DynamoAllCustomers(documentClient(), tableName('Customers')),
    store: predictionStore(),
    clock,
    settings: { businessTimeZone: coreSettings().businessTimeZone, retrainEveryDays: RETRAIN_EVERY_DAYS },
  };
}

/** The event refresh (the bus rule `PaymentPredictionRefresh`): one customer's invoices, the stored model and figures. */
export function eventRefreshDeps(): EventRefreshDeps {
  return { invoices: invoiceReader(), customers: customerStore(), store: predictionStore(), clock, settings: { businessTimeZone: coreSettings().businessTimeZone } };
}
