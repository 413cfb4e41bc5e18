/**
 * The Predictions table: items keyed by kind and id. Models are stored gzip-compressed (their
 * trees are a few hundred kB of JSON) under their version, with `current` naming the one in use.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet, batchWrite, queryAll, scanAll } from './batch';
import { invoiceFromItem } from './invoice-item';
import type { PaymentPrediction } from '../../core/prediction/model';
import type { PredictionStore, StoredForecast, StoredModel, StoredRisk } from '../../core/prediction/refresh';
import type { PopulationFigures, RefreshStore } from '../../core/prediction/event-refresh';
import type { Invoice } from '../../core/invoices/invoice';
import type { Customer } from '../../core/customers/customer';

/** A value as JSON keeps it: a figure that could not be measured (NaN) becomes null, which DynamoDB stores. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** How long the note that an event was refreshed for is kept (the bus retries for a day). */
const REFRESH_NOTE_SECONDS = 2 * 24 * 3600;

export class DynamoPredictionStore implements PredictionStore, RefreshStore {
  /** The model last read, by version: a warm function reads the pointer, not the model again, per event. */
  private cached: { version: string; stored: StoredModel } | null = null;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async currentModel(): Promise<StoredModel | null> {
    const pointer = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { kind: 'model', id: 'current' } }));
    if (!pointer.Item) return null;
    const version = String(pointer.Item.version);
    if (this.cached?.version === version) return this.cached.stored;
    const item = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { kind: 'model', id: version } }));
    if (!item.Item) return null;
    const stored: StoredModel = { model: JSON.parse(gunzipSync(item.Item.body as Uint8Array).toString('utf8')), trainedAt: String(item.Item.trainedAt) };
    this.cached = { version, stored };
    return stored;
  }

  async savePopulation(population: PopulationFigures): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { kind: 'population', id: 'current', population: plain(population) } }));
  }

  async population(): Promise<PopulationFigures | null> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { kind: 'population', id: 'current' } }));
    return result.Item ? (result.Item.population as PopulationFigures) : null;
  }

  async refreshed(eventId: string): Promise<boolean> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { kind: 'refresh', id: eventId }, ConsistentRead: true }));
    return result.Item !== undefined;
  }

  async markRefreshed(eventId: string, at: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { kind: 'refresh', id: eventId, at, expiresAt: Math.floor(Date.parse(at) / 1000) + REFRESH_NOTE_SECONDS } }));
  }

  async saveModel(stored: StoredModel): Promise<void> {
    const version = `${stored.model.version}@${stored.trainedAt}`;
    const body = gzipSync(Buffer.from(JSON.stringify(stored.model)));
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { kind: 'model', id: version, trainedAt: stored.trainedAt, kindOfModel: stored.model.kind, evaluation: plain(stored.model.evaluation), body } }));
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { kind: 'model', id: 'current', version, trainedAt: stored.trainedAt, evaluation: plain(stored.model.evaluation) } }));
  }

  async savePredictions(predictions: readonly PaymentPrediction[]): Promise<void> {
    await batchWrite(this.db, this.tableName, predictions.map((p) => ({ PutRequest: { Item: { kind: 'invoice', id: p.invoiceId, prediction: plain(p) } } })));
  }

  async predictions(invoiceIds: readonly string[]): Promise<Map<string, PaymentPrediction>> {
    if (invoiceIds.length === 0) return new Map();
    const items = await batchGet(this.db, this.tableName, [...new Set(invoiceIds)].map((id) => ({ kind: 'invoice', id })), { consistent: false });
    return new Map(items.map((i) => [String(i.id), i.prediction as PaymentPrediction]));
  }

  async risks(): Promise<Map<string, StoredRisk>> {
    const items = await queryAll(this.db, { TableName: this.tableName, KeyConditionExpression: '#kind = :kind', ExpressionAttributeNames: { '#kind': 'kind' }, ExpressionAttributeValues: { ':kind': 'customer' } });
    return new Map(items.map((i) => [String(i.id), i.risk as StoredRisk]));
  }

  async risk(customerId: string): Promise<StoredRisk | null> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { kind: 'customer', id: customerId } }));
    return result.Item ? (result.Item.risk as StoredRisk) : null;
  }

  async saveRisks(risks: readonly StoredRisk[]): Promise<void> {
    await batchWrite(this.db, this.tableName, risks.map((r) => ({ PutRequest: { Item: { kind: 'customer', id: r.customerId, risk: plain(r) } } })));
  }

  async forecastMadeOnOrBefore(date: string): Promise<StoredForecast | null> {
    const result = await this.db.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: '#kind = :kind AND #id <= :date', ExpressionAttributeNames: { '#kind': 'kind', '#id': 'id' }, ExpressionAttributeValues: { ':kind': 'forecast', ':date': date }, ScanIndexForward: false, Limit: 1 }),
    );
    const item = result.Items?.[0];
    return item ? (item.forecast as StoredForecast) : null;
  }

  async saveForecast(forecast: StoredForecast): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { kind: 'forecast', id: forecast.madeOn, forecast: plain(forecast) } }));
  }
}

/** Every invoice, a scan of the Invoices table (the prediction run learns from all of them). */
export class DynamoAllInvoices {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}
  async all(): Promise<Invoice[]> {
    return (await scanAll(this.db, { TableName: this.tableName })).map(invoiceFromItem);
  }
}

/** Every customer, a scan of the Customers table. */
export class DynamoAllCustomers {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}
  async all(): Promise<Customer[]> {
    return (await scanAll(this.db, { TableName: this.tableName })) as unknown as Customer[];
  }
}
