/**
 * The one batch reader and writer: items by key, 100 keys per `BatchGetItem` (25 puts or deletes
 * per `BatchWriteItem`), a few requests at a time, retrying what DynamoDB leaves unprocessed with
 * a doubling back-off; and the one paged reader (`queryAll`, `scanAll`). Reads are consistent unless asked otherwise, so what a caller decides on
 * is what a conditional write will check. Missing items are left out; order is not kept.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../core/kernel/concurrency';

const GET_LIMIT = 100;
const WRITE_LIMIT = 25;
const MAX_ROUNDS = 12;
const CONCURRENCY = 4;

export interface BatchOptions {
  /** Only these attributes (names, placeholders are made here). */
  readonly attributes?: readonly string[];
  /** Default true. */
  readonly consistent?: boolean;
  /** Called with the capacity each request consumed (asks DynamoDB to report it). */
  readonly onCapacity?: (capacity: readonly ConsumedCapacity[]) => void;
}

const pause = (round: number) => new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function batchGet(db: DynamoDBDocumentClient, tableName: string, keys: readonly Record<string, unknown>[], options: BatchOptions = {}): Promise<Record<string, unknown>[]> {
  const unique = [...new Map(keys.map((k) => [JSON.stringify(k), k])).values()];
  const found: Record<string, unknown>[] = [];
  const projection = options.attributes ? projectionOf(options.attributes) : {};
  await mapLimit(chunks(unique, GET_LIMIT), CONCURRENCY, async (chunk) => {
    let pending: Record<string, unknown>[] = chunk;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`Reading ${tableName}: ${pending.length} keys stayed unprocessed after ${MAX_ROUNDS} rounds`);
      if (round > 0) await pause(round);
      const result = await db.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent ?? true, ...projection } },
          ...(options.onCapacity ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}),
        }),
      );
      if (options.onCapacity && result.ConsumedCapacity) options.onCapacity(result.ConsumedCapacity);
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  });
  return found;
}

/** Puts or deletes (`{ PutRequest }` / `{ DeleteRequest }`), 25 per request, retrying the unprocessed ones. */
export async function batchWrite(db: DynamoDBDocumentClient, tableName: string, requests: readonly Record<string, unknown>[], options: Pick<BatchOptions, 'onCapacity'> = {}): Promise<void> {
  await mapLimit(chunks(requests, WRITE_LIMIT), CONCURRENCY, async (chunk) => {
    let pending: Record<string, unknown>[] = chunk;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`Writing ${tableName}: ${pending.length} requests stayed unprocessed after ${MAX_ROUNDS} rounds`);
      if (round > 0) await pause(round);
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending }, ...(options.onCapacity ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}) }));
      if (options.onCapacity && result.ConsumedCapacity) options.onCapacity(result.ConsumedCapacity);
      pending = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  });
}

/** A query or scan read to its end, page by page (the one paged reader). */
async function readAll(
  db: DynamoDBDocumentClient,
  page: (start: Record<string, unknown> | undefined) => QueryCommand | ScanCommand,
  options: Pick<BatchOptions, 'onCapacity'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const command = page(start);
    if (options.onCapacity) command.input.ReturnConsumedCapacity = 'TOTAL';
    const result = await db.send(command as QueryCommand);
    if (options.onCapacity && result.ConsumedCapacity) options.onCapacity([result.ConsumedCapacity]);
    items.push(...((result.Items ?? []) as Record<string, unknown>[]));
    start = result.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start);
  return items;
}

/** Every item a query finds, all pages. */
export function queryAll(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>, options: Pick<BatchOptions, 'onCapacity'> = {}): Promise<Record<string, unknown>[]> {
  return readAll(db, (start) => new QueryCommand({ ...input, ExclusiveStartKey: start }), options);
}

/** Every item a scan finds, all pages. */
export function scanAll(db: DynamoDBDocumentClient, input: Omit<ScanCommandInput, 'ExclusiveStartKey'>, options: Pick<BatchOptions, 'onCapacity'> = {}): Promise<Record<string, unknown>[]> {
  return readAll(db, (start) => new ScanCommand({ ...input, ExclusiveStartKey: start }), options);
}

/** `ProjectionExpression` and its placeholders for these attribute names. */
export function projectionOf(attributes: readonly string[]) {
  return { ProjectionExpression: attributes.map((_, i) => `#p${i}`).join(', '), ExpressionAttributeNames: Object.fromEntries(attributes.map((n, i) => [`#p${i}`, n])) };
}

/**
 * One page of an index query, as whole items: the index (which projects only what its own queries
 * read) gives the keys in its order, the items are then read from the table by key (eventually
 * consistent, like the index). Items deleted in between are left out; `LastEvaluatedKey` is the index's.
 */
export async function queryPageOfItems(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
  key: string,
): Promise<{ items: Record<string, unknown>[]; lastEvaluatedKey: Record<string, unknown> | undefined }> {
  const names = { ...input.ExpressionAttributeNames, '#key': key };
  const result = await db.send(new QueryCommand({ ...input, ProjectionExpression: '#key', ExpressionAttributeNames: names }));
  const keys = (result.Items ?? []).map((item) => ({ [key]: item[key] }));
  return { items: await itemsInOrder(db, String(input.TableName), keys, key), lastEvaluatedKey: result.LastEvaluatedKey as Record<string, unknown> | undefined };
}

/** Every item an index query finds, all pages, read from the table by key (see {@link queryPageOfItems}). */
export async function queryAllItems(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>, key: string, options: BatchOptions = {}): Promise<Record<string, unknown>[]> {
  const keys = await queryAll(db, { ...input, ProjectionExpression: '#key', ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#key': key } }, options);
  return itemsInOrder(db, String(input.TableName), keys.map((item) => ({ [key]: item[key] })), key, options);
}

async function itemsInOrder(db: DynamoDBDocumentClient, tableName: string, keys: Record<string, unknown>[], key: string, options: BatchOptions = {}): Promise<Record<string, unknown>[]> {
  if (keys.length === 0) return [];
  const found = new Map((await batchGet(db, tableName, keys, { consistent: false, ...options })).map((item) => [item[key], item]));
  return keys.map((k) => found.get(k[key])).filter((item): item is Record<string, unknown> => item !== undefined);
}
