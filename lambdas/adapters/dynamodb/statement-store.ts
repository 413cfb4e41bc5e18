/**
 * Uploaded bank statements on DynamoDB.
 *
 * - `Statements`: per statement one item `sk = "statement"` (format, progress, counts) and one item
 *   per credit line `sk = "line#<sequence>"` (its outcome), so a statement's lines are one query.
 * - `StatementLines`: one item per line identity (`lineKey`), written by the posting writer in the
 *   same transaction as the line's payment, conditional on not existing: whatever uploads race, a
 *   line is applied once.
 * - `Payers`: `account#<ACCOUNT>` / `name#<NAME>` -> the customers known to pay with them.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../core/events/catalogue';
import { outboxPuts } from './outbox';
import type { LineResult } from '../../core/cash-application/application';
import type { StatementHeader, StatementProgress, StatementRecord } from '../../core/cash-application/statement-record';
import type { ChunkOutcome, Page, StatementStore } from '../../core/ports';
import { batchGet } from './batch';
import { cancellationCodes, decodeCursor, encodeCursor, isConditionalCheckFailed } from './document-client';
import { lineSortKey } from './posting-writer';

export interface StatementTables {
  readonly statements: string;
  readonly statementLines: string;
  /** Where the event of a statement processed goes (the outbox, with the progress in one transaction). */
  readonly outbox?: string;
}

const HEADER = 'statement';
/** Names of the chunk counters (`chunkApplied`). */
const CHUNK_NAMES = { '#applied': 'applied', '#suggested': 'suggested', '#unapplied': 'unapplied', '#newly': 'newlyRecorded', '#already': 'alreadyRecorded', '#uploads': 'uploads', '#chunksDone': 'chunksDone' };

/** Every attribute an update names goes through a placeholder: several (`status`, `processed`) are DynamoDB reserved words. */
const PROGRESS_NAMES = { '#status': 'status', '#processed': 'processed', '#counts': 'counts', '#lastUpload': 'lastUpload', '#error': 'error', '#at': 'at' };

function resultFromItem(item: Record<string, unknown>): LineResult {
  const { sk: _sk, lineKey, recordedIn, statementId, aliasOf: _aliasOf, ...rest } = item;
  return { ...rest, lineKey: String(lineKey), statementId: String(recordedIn ?? statementId) } as unknown as LineResult;
}

function statementFromItem(item: Record<string, unknown>): StatementRecord {
  const { sk: _sk, chunksDone, ...rest } = item;
  return { ...(rest as unknown as StatementRecord), ...(chunksDone instanceof Set ? { chunksDone: [...(chunksDone as Set<string>)] } : {}) };
}

export class DynamoStatementStore implements StatementStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Partial<StatementTables> & { statements: string },
  ) {}

  async begin(statement: StatementRecord, options: { readonly unlessProcessing?: boolean } = {}): Promise<{ statement: StatementRecord; created: boolean; alreadyProcessing?: boolean }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.statements,
          Item: { ...statement, sk: HEADER },
          ConditionExpression: 'attribute_not_exists(statementId)',
        }),
      );
      return { statement, created: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const run = statement.objectKey === undefined ? [] : ['#objectKey = :objectKey', '#recovering = :recovering'];
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tables.statements,
          Key: { statementId: statement.statementId, sk: HEADER },
          UpdateExpression: `SET ${[
            '#status = :status',
            '#processed = :zero',
            '#counts = :counts',
            '#lastUpload = :lastUpload',
            '#lastUploadAt = :at',
            '#at = :at',
            '#error = :null',
            ...run,
          ].join(', ')} ADD #uploads :one REMOVE #chunksDone`,
          ...(options.unlessProcessing ? { ConditionExpression: '#status <> :status' } : {}),
          ExpressionAttributeNames: {
            ...PROGRESS_NAMES,
            '#lastUploadAt': 'lastUploadAt',
            '#uploads': 'uploads',
            '#chunksDone': 'chunksDone',
            ...(run.length ? { '#objectKey': 'objectKey', '#recovering': 'recovering' } : {}),
          },
          ExpressionAttributeValues: {
            ':status': statement.status,
            ':zero': 0,
            ':counts': statement.counts,
            ':lastUpload': statement.lastUpload,
            ':at': statement.lastUploadAt,
            ':null': null,
            ':one': 1,
            ...(run.length ? { ':objectKey': statement.objectKey, ':recovering': statement.recovering ?? false } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { statement: statementFromItem(Attributes ?? {}), created: false };
    } catch (error) {
      if (!options.unlessProcessing || !isConditionalCheckFailed(error)) throw error;
    }
    // Being processed already (another upload of the same file): that run goes on.
    const current = await this.get(statement.statementId);
    if (!current) throw new Error(`Statement ${statement.statementId} vanished while it was being processed`);
    return { statement: current, created: false, alreadyProcessing: true };
  }

  async describe(statementId: string, header: StatementHeader): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tables.statements,
        Key: { statementId, sk: HEADER },
        UpdateExpression: 'SET #format = :format, #version = :version, #accounts = :accounts, #sizeBytes = :sizeBytes, #total = :total, #debitLines = :debitLines, #warnings = :warnings, #warningCount = :warningCount',
        ConditionExpression: 'attribute_exists(statementId)',
        ExpressionAttributeNames: { '#format': 'format', '#version': 'version', '#accounts': 'accounts', '#sizeBytes': 'sizeBytes', '#total': 'total', '#debitLines': 'debitLines', '#warnings': 'warnings', '#warningCount': 'warningCount' },
        ExpressionAttributeValues: {
          ':format': header.format,
          ':version': header.version,
          ':accounts': header.accounts,
          ':sizeBytes': header.sizeBytes,
          ':total': header.total,
          ':debitLines': header.debitLines,
          ':warnings': header.warnings ?? [],
          ':warningCount': header.warningCount ?? 0,
        },
      }),
    );
  }

  async get(statementId: string): Promise<StatementRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.statements, Key: { statementId, sk: HEADER }, ConsistentRead: true }));
    return Item ? statementFromItem(Item) : undefined;
  }

  async lineResults(statementId: string, limit: number, cursor?: string): Promise<Page<LineResult>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tables.statements,
        KeyConditionExpression: 'statementId = :id AND begins_with(sk, :line)',
        ExpressionAttributeValues: { ':id': statementId, ':line': 'line#' },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
        ConsistentRead: true,
      }),
    );
    const items = (result.Items ?? []).map(resultFromItem);
    const next = encodeCursor(result.LastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }

  async recordedLines(lineKeys: readonly string[]): Promise<Map<string, LineResult>> {
    const items = await batchGet(this.db, this.required('statementLines'), lineKeys.map((lineKey) => ({ lineKey })));
    return new Map(items.map((item) => [String(item.lineKey), resultFromItem(item)]));
  }

  async resultsAt(statementId: string, sequences: readonly number[]): Promise<Map<number, LineResult>> {
    const items = await batchGet(this.db, this.tables.statements, sequences.map((sequence) => ({ statementId, sk: lineSortKey(sequence) })));
    return new Map(items.map((item) => [Number(item.sequence), resultFromItem(item)]));
  }

  async recordAlias(lineKey: string, result: LineResult): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.required('statementLines'), Item: { ...result, lineKey, aliasOf: result.lineKey }, ConditionExpression: 'attribute_not_exists(lineKey)' }),
      );
    } catch (error) {
      // Recorded already (by a concurrent upload, or as a line of its own): nothing to add.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async reportLine(statementId: string, result: LineResult): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tables.statements, Item: { ...result, statementId, sk: lineSortKey(result.sequence), recordedIn: result.statementId } }),
    );
  }

  async progress(statementId: string, progress: StatementProgress, events: readonly DomainEvent[] = []): Promise<void> {
    const update = {
      TableName: this.tables.statements,
      Key: { statementId, sk: HEADER },
      UpdateExpression: `SET #status = :status, #processed = :processed, #counts = :counts, #lastUpload = :lastUpload, #error = :error, #at = :at${progress.returns ? ', #returns = :returns' : ''}`,
      ConditionExpression: 'attribute_exists(statementId)',
      ExpressionAttributeNames: progress.returns ? { ...PROGRESS_NAMES, '#returns': 'returns' } : PROGRESS_NAMES,
      ExpressionAttributeValues: {
        ':status': progress.status,
        ':processed': progress.processed,
        ':counts': progress.counts,
        ':lastUpload': progress.lastUpload,
        ':error': progress.error,
        ':at': progress.at,
        ...(progress.returns ? { ':returns': progress.returns } : {}),
      },
    };
    if (events.length > 0) {
      await this.db.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...outboxPuts(this.tables.outbox, events)] }));
      return;
    }
    await this.db.send(new UpdateCommand(update));
  }

  async chunkApplied(statementId: string, run: number, chunk: ChunkOutcome): Promise<{ counted: boolean; statement: StatementRecord | undefined }> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tables.statements,
          Key: { statementId, sk: HEADER },
          UpdateExpression:
            'SET #at = :at ADD #processed :lines, #counts.#applied :applied, #counts.#suggested :suggested, #counts.#unapplied :unapplied, #lastUpload.#newly :newly, #lastUpload.#already :already, #chunksDone :chunk',
          ConditionExpression: 'attribute_exists(statementId) AND #uploads = :run AND #status = :processing AND NOT contains(#chunksDone, :id)',
          ExpressionAttributeNames: {
            ...CHUNK_NAMES,
            '#at': 'at',
            '#processed': 'processed',
            '#counts': 'counts',
            '#lastUpload': 'lastUpload',
            '#status': 'status',
          },
          ExpressionAttributeValues: {
            ':at': chunk.at,
            ':lines': chunk.lines,
            ':applied': chunk.counts.applied,
            ':suggested': chunk.counts.suggested,
            ':unapplied': chunk.counts.unapplied,
            ':newly': chunk.lastUpload.newlyRecorded,
            ':already': chunk.lastUpload.alreadyRecorded,
            ':chunk': new Set([chunk.id]),
            ':id': chunk.id,
            ':run': run,
            ':processing': 'processing',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { counted: true, statement: statementFromItem(Attributes ?? {}) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return { counted: false, statement: await this.get(statementId) };
    }
  }

  async completeWhenAllCounted(statementId: string, run: number, at: string, extras: { readonly events?: readonly DomainEvent[]; readonly returns?: StatementProgress['returns'] } = {}): Promise<boolean> {
    const returns = extras.returns && extras.returns.length > 0 ? extras.returns : undefined;
    const update = {
      TableName: this.tables.statements,
      Key: { statementId, sk: HEADER },
      UpdateExpression: `SET #status = :completed, #at = :at${returns ? ', #returns = :returns' : ''}`,
      ConditionExpression: 'attribute_exists(statementId) AND #uploads = :run AND #status = :processing AND #processed >= #total',
      ExpressionAttributeNames: { '#status': 'status', '#at': 'at', '#uploads': 'uploads', '#processed': 'processed', '#total': 'total', ...(returns ? { '#returns': 'returns' } : {}) },
      ExpressionAttributeValues: { ':completed': 'completed', ':processing': 'processing', ':run': run, ':at': at, ...(returns ? { ':returns': returns } : {}) },
    };
    try {
      if (extras.events && extras.events.length > 0) {
        await this.db.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...outboxPuts(this.tables.outbox, extras.events)] }));
      } else {
        await this.db.send(new UpdateCommand(update));
      }
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      const codes = cancellationCodes(error);
      if (codes && codes[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  private required(table: keyof Omit<StatementTables, 'statements'>): string {
    const name = this.tables[table];
    if (!name) throw new Error(`The statement store was built without the ${table} table`);
    return name;
  }
}
