/**
 * EventBridge and the outbox stream, locally:
 *
 * - a small EventBridge endpoint (`PutEvents` over the AWS JSON protocol) that the in-process
 *   Lambdas reach through `AWS_ENDPOINT_URL_EVENTBRIDGE`; it keeps every entry published
 *   (`GET /_local/events`) and, for each rule of `lib/definitions/events.ts` whose pattern matches,
 *   invokes the rule's target function with the EventBridge event, trying again with back-off when
 *   the target fails (as EventBridge does for asynchronous targets);
 * - a reader of the Outbox table's DynamoDB stream (DynamoDB Local has streams) that hands each batch
 *   of records to the same forwarder function the stream triggers on AWS, and gives a failed batch
 *   again until it succeeds (the event source mapping's retries), so nothing written is lost.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { eventRules, FORWARDER_FUNCTION, matchesPattern, OUTBOX_STREAM, type EventRuleDefinition } from '../lib/definitions/events';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from './environment';

export interface PublishedEvent {
  /** EventBridge's id of the entry (each publication has its own). */
  readonly id: string;
  readonly source: string;
  readonly 'detail-type': string;
  readonly time: string;
  readonly detail: Record<string, unknown>;
  readonly eventBusName: string;
  readonly publishedAt: string;
  /** Rule deliveries to targets: rule id, attempts, outcome. */
  readonly targets: { rule: string; functionId: string; attempts: number; ok: boolean | null; error?: string }[];
}

export interface LocalEventBusOptions {
  readonly host: string;
  readonly port: number;
  readonly invoke: (functionId: string, event: unknown) => Promise<unknown>;
  readonly now: () => Date;
  readonly rules?: readonly EventRuleDefinition[];
  readonly log?: (line: string) => void;
  /** Pause before the n-th retry of a failed target or stream batch, in ms (default: 250 ms doubling to 8 s). */
  readonly retryDelayMs?: (attempt: number) => number;
  /** Attempts of a rule target in all (EventBridge tries for 24 hours; locally a bounded number, default 8). */
  readonly targetAttempts?: number;
}

const defaultDelay = (attempt: number) => Math.min(8_000, 250 * 2 ** Math.max(0, attempt - 1));

export class LocalEventBus {
  readonly published: PublishedEvent[] = [];
  private server: Server | undefined;
  /** Where PutEvents is answered (set by {@link start}). */
  endpoint = '';
  private readonly pending = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly options: LocalEventBusOptions) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(
        (body) => {
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify(body));
        },
        (error: unknown) => {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: 'ValidationException', message: error instanceof Error ? error.message : String(error) }));
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port, this.options.host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.endpoint = `http://${this.options.host}:${port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.pending]);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Waits until every rule target invoked so far has finished (tests). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async handle(request: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target !== 'AWSEvents.PutEvents') throw new Error(`The local event bus supports PutEvents only, not ${target || 'this request'}`);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { Entries?: { Source?: string; DetailType?: string; Detail?: string; Time?: number | string; EventBusName?: string }[] };
    const entries = body.Entries ?? [];
    if (entries.length === 0 || entries.length > 10) throw new Error('Entries must hold 1 to 10 entries');
    return {
      FailedEntryCount: 0,
      Entries: entries.map((entry) => {
        const event: PublishedEvent = {
          id: randomUUID(),
          source: entry.Source ?? '',
          'detail-type': entry.DetailType ?? '',
          time: entry.Time === undefined ? this.options.now().toISOString() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time).toISOString(),
          detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
          eventBusName: entry.EventBusName ?? 'default',
          publishedAt: this.options.now().toISOString(),
          targets: [],
        };
        this.published.push(event);
        this.route(event);
        return { EventId: event.id };
      }),
    };
  }

  /** Invokes each matching rule's target, in the background, with retries. */
  private route(event: PublishedEvent): void {
    for (const rule of this.options.rules ?? eventRules) {
      if (!matchesPattern(rule.pattern, event)) continue;
      const delivery = { rule: rule.id, functionId: rule.target.functionId, attempts: 0, ok: null as boolean | null } as PublishedEvent['targets'][number];
      event.targets.push(delivery);
      const envelope = { version: '0', id: event.id, 'detail-type': event['detail-type'], source: event.source, account: LOCAL_ACCOUNT, time: event.time, region: LOCAL_REGION, resources: [], detail: event.detail };
      const run = (async () => {
        const attempts = this.options.targetAttempts ?? 8;
        for (;;) {
          delivery.attempts++;
          try {
            await this.options.invoke(rule.target.functionId, envelope);
            delivery.ok = true;
            delete delivery.error;
            return;
          } catch (error) {
            delivery.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            if (delivery.attempts >= attempts || this.stopped) {
              delivery.ok = false;
              this.options.log?.(`events       rule ${rule.id} gave up on ${event['detail-type']} after ${delivery.attempts} attempts: ${delivery.error}`);
              return;
            }
            await sleep((this.options.retryDelayMs ?? defaultDelay)(delivery.attempts));
          }
        }
      })();
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
    }
  }
}

export interface OutboxStreamReaderOptions {
  readonly dynamodb: DynamoDBClient;
  readonly endpoint: string;
  readonly tableName: string;
  readonly invoke: (functionId: string, event: unknown) => Promise<unknown>;
  readonly log?: (line: string) => void;
  /** Pause between polls of an idle shard (default 100 ms). */
  readonly pollMs?: number;
  readonly retryDelayMs?: (attempt: number) => number;
}

/**
 * Reads the Outbox stream from its start (the forwarder skips what was published before) and hands
 * each batch to the forwarder; a failed batch is handed again, with back-off, until it succeeds.
 */
export class OutboxStreamReader {
  private readonly streams: DynamoDBStreamsClient;
  private running = false;
  private loop: Promise<void> | undefined;
  /** Batches handed to the forwarder: records, attempts (tests and the log). */
  readonly batches: { records: number; attempts: number; ok: boolean; lastError?: string }[] = [];
  private idle = true;

  constructor(private readonly options: OutboxStreamReaderOptions) {
    this.streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } });
  }

  start(): void {
    this.running = true;
    this.loop = this.run().catch((error: unknown) => this.options.log?.(`events       the outbox stream reader stopped: ${error instanceof Error ? error.message : String(error)}`));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.streams.destroy();
  }

  /** True when the last poll of every shard found nothing new and no batch is being handed over. */
  isIdle(): boolean {
    return this.idle;
  }

  private async run(): Promise<void> {
    const { Table } = await this.options.dynamodb.send(new DescribeTableCommand({ TableName: this.options.tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`Table ${this.options.tableName} has no stream`);
    await this.forwardUnpublished();
    /** Per shard being read: its iterator (undefined: to be asked for) and the last record handed over. */
    const shards = new Map<string, { iterator: string | undefined; last: string | undefined }>();
    const done = new Set<string>();
    let failures = 0;
    while (this.running) {
      let any = false;
      try {
        const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        for (const shard of StreamDescription?.Shards ?? []) {
          const id = shard.ShardId!;
          // A child shard is read once its parent is finished, so records stay in order.
          if (shards.has(id) || done.has(id) || (shard.ParentShardId && shards.has(shard.ParentShardId))) continue;
          shards.set(id, { iterator: undefined, last: undefined });
        }
        for (const [id, state] of [...shards]) {
          if (!this.running) break;
          if (!state.iterator) {
            const from = state.last ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: state.last } : { ShardIteratorType: 'TRIM_HORIZON' as const };
            try {
              state.iterator = (await this.streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ...from }))).ShardIterator;
            } catch (error) {
              // DynamoDB Local refuses TRIM_HORIZON on a shard without records yet: ask again at the next poll.
              if ((error as { name?: string }).name === 'TrimmedDataAccessException') continue;
              throw error;
            }
            if (!state.iterator) {
              shards.delete(id);
              done.add(id);
              continue;
            }
          }
          let page;
          try {
            page = await this.streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: OUTBOX_STREAM.batchSize }));
          } catch (error) {
            const name = (error as { name?: string }).name;
            if (name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException') {
              state.iterator = undefined;
              continue;
            }
            throw error;
          }
          const records = page.Records ?? [];
          if (records.length > 0) {
            any = true;
            this.idle = false;
            await this.hand(records);
            state.last = records.at(-1)?.dynamodb?.SequenceNumber ?? state.last;
          }
          state.iterator = page.NextShardIterator;
          if (!state.iterator) {
            shards.delete(id);
            done.add(id);
          }
        }
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 50 === 0) this.options.log?.(`events       reading the outbox stream failed (${failures}x), trying again: ${error instanceof Error ? error.message : String(error)}`);
        await sleep((this.options.retryDelayMs ?? defaultDelay)(Math.min(failures, 6)));
        continue;
      }
      if (!any) {
        this.idle = true;
        await sleep(this.options.pollMs ?? 100);
      }
    }
  }

  /** How many events of the outbox are not published yet (a consistent scan; tests wait for none). */
  async unpublished(): Promise<number> {
    let count = 0;
    let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await this.options.dynamodb.send(
        new ScanCommand({ TableName: this.options.tableName, FilterExpression: 'attribute_not_exists(publishedAt)', Select: 'COUNT', ExclusiveStartKey: start, ConsistentRead: true }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  /**
   * Events written but not published when the stack stopped: DynamoDB Local does not keep a stream
   * across restarts as AWS keeps it for 24 hours, so they are handed to the forwarder once at start,
   * as the stream would have (the forwarder skips what it published meanwhile).
   */
  private async forwardUnpublished(): Promise<void> {
    let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await this.options.dynamodb.send(
        new ScanCommand({ TableName: this.options.tableName, FilterExpression: 'attribute_not_exists(publishedAt)', ProjectionExpression: 'eventId, occurredAt', ExclusiveStartKey: start, ConsistentRead: true }),
      );
      const items = (page.Items ?? []).sort((x, y) => (x.occurredAt?.S ?? '').localeCompare(y.occurredAt?.S ?? ''));
      for (let i = 0; i < items.length; i += OUTBOX_STREAM.batchSize) {
        const records = items.slice(i, i + OUTBOX_STREAM.batchSize).map((item) => ({ eventName: 'INSERT' as const, dynamodb: { Keys: { eventId: item.eventId! } } }));
        if (records.length) await this.hand(records as _Record[]);
      }
      start = page.LastEvaluatedKey;
    } while (start && this.running);
  }

  private async hand(records: _Record[]): Promise<void> {
    const batch = { records: records.length, attempts: 0, ok: false } as OutboxStreamReader['batches'][number];
    this.batches.push(batch);
    // The event a Lambda receives from a DynamoDB stream: the records with their source ARN.
    const event = { Records: records.map((r) => ({ ...r, eventSource: 'aws:dynamodb', awsRegion: LOCAL_REGION })) };
    for (;;) {
      batch.attempts++;
      try {
        await this.options.invoke(FORWARDER_FUNCTION, event);
        batch.ok = true;
        return;
      } catch (error) {
        batch.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.options.log?.(`events       forwarding a batch of ${records.length} failed (attempt ${batch.attempts}), trying again: ${batch.lastError}`);
        if (!this.running) return;
        await sleep((this.options.retryDelayMs ?? defaultDelay)(batch.attempts));
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
