/** Credit notes (CreditNotes table, `byInvoice` index) and the last number of their series (Counters). Written by the posting writer. */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CreditNote } from '../../core/invoices/credit-note';
import type { CreditNoteReader } from '../../core/invoices/credit-notes';
import { queryAll } from './batch';

export class DynamoCreditNoteStore implements CreditNoteReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { readonly creditNotes: string; readonly counters?: string | undefined },
  ) {}

  async get(creditNoteId: string): Promise<CreditNote | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.creditNotes, Key: { creditNoteId }, ConsistentRead: true }));
    return Item as CreditNote | undefined;
  }

  async listByInvoice(invoiceId: string): Promise<CreditNote[]> {
    const items = await queryAll(this.db, { TableName: this.tables.creditNotes, IndexName: 'byInvoice', KeyConditionExpression: 'invoiceId = :i', ExpressionAttributeValues: { ':i': invoiceId } });
    return items as unknown as CreditNote[];
  }

  async lastSequence(series: string): Promise<number> {
    if (!this.tables.counters) throw new Error('The credit note store was built without the Counters table: this function does not issue credit notes');
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.counters, Key: { counterId: series }, ConsistentRead: true }));
    return typeof Item?.last === 'number' ? Item.last : 0;
  }
}
