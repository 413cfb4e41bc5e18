import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CashPayment } from '../../core/cash-application/application';
import type { Page, PaymentStore, UnappliedPaymentStore } from '../../core/ports';
import { indexName } from '../../../lib/definitions/tables';
import { decodeCursor, encodeCursor } from './document-client';

const UNAPPLIED_WORKLIST_INDEX = indexName('Payments', 'unappliedWorklist');

/**
 * Payments (written by the posting writer), and finance's worklist of payments with money not yet
 * applied: the sparse `unappliedWorklist` index (`worklist = "UNAPPLIED"`, oldest `receivedAt` first).
 */
export class DynamoPayments implements PaymentStore, UnappliedPaymentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { readonly payments: string },
  ) {}

  async get(paymentId: string): Promise<CashPayment | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.payments, Key: { paymentId }, ConsistentRead: true }));
    if (!Item) return undefined;
    const { worklist: _worklist, ...payment } = Item;
    return payment as CashPayment;
  }

  async listUnapplied(limit: number, cursor?: string): Promise<Page<CashPayment>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tables.payments,
        IndexName: UNAPPLIED_WORKLIST_INDEX,
        KeyConditionExpression: 'worklist = :unapplied',
        ExpressionAttributeValues: { ':unapplied': 'UNAPPLIED' },
        ScanIndexForward: true,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const items = (result.Items ?? []).map(({ worklist: _worklist, ...payment }) => payment as CashPayment);
    const next = encodeCursor(result.LastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }
}
