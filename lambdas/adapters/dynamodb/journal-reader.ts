/**
 * Reads journal lines for the export (`core/journals/journals.ts`): a filtered scan of the Ledger
 * table (an audit read, like the ledger check: its cost grows with the ledger), and the documents
 * the lines came from by BatchGet (invoice numbers, credit note numbers, payment references).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet, projectionOf, scanAll } from './batch';
import type { Account } from '../../core/ledger/ledger';
import type { JournalLineReader } from '../../core/journals/journals';
import type { JournalDocuments, LedgerLineRecord } from '../../core/journals/journal-export';

const LINE_ATTRIBUTES = ['pk', 'sk', 'event', 'postedAt', 'originalPostedAt', 'account', 'side', 'amountMinor', 'currency', 'reference', 'reasonCode'];

export class DynamoJournalLineReader implements JournalLineReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { ledger: string; invoices: string; creditNotes: string; payments: string },
  ) {}

  async linesBetween(from: Date, to: Date): Promise<LedgerLineRecord[]> {
    const { ProjectionExpression, ExpressionAttributeNames } = projectionOf(LINE_ATTRIBUTES);
    const items = await scanAll(this.db, {
      TableName: this.tables.ledger,
      ConsistentRead: true,
      FilterExpression: 'begins_with(#sk, :line) AND #postedAt >= :from AND #postedAt < :to',
      ProjectionExpression,
      ExpressionAttributeNames: { ...ExpressionAttributeNames, '#sk': 'sk', '#postedAt': 'postedAt' },
      ExpressionAttributeValues: { ':line': 'line#', ':from': from.toISOString(), ':to': to.toISOString() },
    });
    return items.map((i) => ({
      journalId: String(i.pk),
      lineNo: Number(String(i.sk).slice('line#'.length)),
      event: String(i.event ?? ''),
      postedAt: String(i.postedAt),
      originalPostedAt: typeof i.originalPostedAt === 'string' ? i.originalPostedAt : null,
      account: String(i.account) as Account,
      side: i.side === 'credit' ? 'credit' : 'debit',
      amountMinor: Number(i.amountMinor ?? 0),
      currency: String(i.currency),
      reference: String(i.reference ?? ''),
      reasonCode: typeof i.reasonCode === 'string' ? i.reasonCode : null,
    }));
  }

  async documents(ids: { invoiceIds: readonly string[]; creditNoteIds: readonly string[]; paymentIds: readonly string[] }): Promise<JournalDocuments> {
    const [invoices, creditNotes, payments] = await Promise.all([
      batchGet(this.db, this.tables.invoices, ids.invoiceIds.map((invoiceId) => ({ invoiceId })), { attributes: ['invoiceId', 'number'] }),
      batchGet(this.db, this.tables.creditNotes, ids.creditNoteIds.map((creditNoteId) => ({ creditNoteId })), { attributes: ['creditNoteId', 'number'] }),
      batchGet(this.db, this.tables.payments, ids.paymentIds.map((paymentId) => ({ paymentId })), { attributes: ['paymentId', 'reference'] }),
    ]);
    return {
      invoiceNumbers: new Map(invoices.filter((i) => typeof i.number === 'string').map((i) => [String(i.invoiceId), String(i.number)])),
      creditNoteNumbers: new Map(creditNotes.filter((c) => typeof c.number === 'string').map((c) => [String(c.creditNoteId), String(c.number)])),
      paymentReferences: new Map(payments.map((p) => [String(p.paymentId), typeof p.reference === 'string' && p.reference !== '' ? p.reference : null])),
    };
  }

  async earliestPostedAt(): Promise<string | null> {
    const { ProjectionExpression, ExpressionAttributeNames } = projectionOf(['postedAt']);
    const items = await scanAll(this.db, {
      TableName: this.tables.ledger,
      FilterExpression: 'begins_with(#sk, :line)',
      ProjectionExpression,
      ExpressionAttributeNames: { ...ExpressionAttributeNames, '#sk': 'sk' },
      ExpressionAttributeValues: { ':line': 'line#' },
    });
    return items.map((i) => String(i.postedAt)).sort()[0] ?? null;
  }
}
