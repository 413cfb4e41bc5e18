/**
 * The progress of imports on DynamoDB: one item per import in the Imports table under
 * `importId = "progress#<importId>"` (beside the import's own record, which the import's attempts
 * replace whole, and its `rf-reference#...` reservations).
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ImportProgress, ImportProgressStore } from '../../core/invoices/import-processing';
import { isConditionalCheckFailed } from './document-client';

export const importProgressKey = (importId: string): string => `progress#${importId}`;

function progressOf(item: Record<string, unknown>): ImportProgress {
  const { importId: _key, kind: _kind, forImport, ...rest } = item;
  return { ...rest, importId: String(forImport) } as unknown as ImportProgress;
}

export class DynamoImportProgressStore implements ImportProgressStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async begin(progress: ImportProgress, options: { readonly unlessProcessing?: boolean } = {}): Promise<{ progress: ImportProgress; alreadyProcessing: boolean }> {
    const { importId, ...fields } = progress;
    const key = importProgressKey(importId);
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: { ...fields, importId: key, kind: 'progress', forImport: importId }, ConditionExpression: 'attribute_not_exists(importId)' }));
      return { progress, alreadyProcessing: false };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { importId: key },
          // Every name through a placeholder: several (status, processed, result, error) are DynamoDB reserved words.
          UpdateExpression: 'SET #status = :processing, #processed = :zero, #at = :at, #objectKey = :objectKey, #result = :null, #problems = :none, #error = :null ADD #attempts :one',
          ...(options.unlessProcessing ? { ConditionExpression: '#status <> :processing' } : {}),
          ExpressionAttributeNames: { '#status': 'status', '#processed': 'processed', '#at': 'at', '#objectKey': 'objectKey', '#result': 'result', '#problems': 'problems', '#error': 'error', '#attempts': 'attempts' },
          ExpressionAttributeValues: { ':processing': 'processing', ':zero': 0, ':at': progress.at, ':objectKey': progress.objectKey, ':null': null, ':none': [], ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { progress: progressOf(Attributes ?? {}), alreadyProcessing: false };
    } catch (error) {
      if (!options.unlessProcessing || !isConditionalCheckFailed(error)) throw error;
    }
    const current = await this.get(importId);
    if (!current) throw new Error(`Import ${importId} vanished while it was being processed`);
    return { progress: current, alreadyProcessing: true };
  }

  async get(importId: string): Promise<ImportProgress | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { importId: importProgressKey(importId) }, ConsistentRead: true }));
    return Item ? progressOf(Item) : undefined;
  }

  async update(importId: string, change: Partial<Pick<ImportProgress, 'status' | 'processed' | 'result' | 'problems' | 'error' | 'at'>>): Promise<void> {
    const entries = Object.entries(change).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { importId: importProgressKey(importId) },
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(importId)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
      }),
    );
  }
}
