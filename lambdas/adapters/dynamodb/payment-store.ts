import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Invoice } from '../../core/invoices/invoice';
import type { Journal } from '../../core/ledger/ledger';
import type { Payment } from '../../core/payments/payment';
import { ConcurrentUpdateError, type PaymentStore } from '../../core/ports';
import { cancellationCodes } from './document-client';
import { journalPuts } from './ledger-items';

export interface PaymentTables {
  readonly payments: string;
  readonly invoices: string;
  readonly customers: string;
  readonly ledger: string;
}

/** Payments; the unapplied ones carry `worklist = "UNAPPLIED"` for the sparse worklist index. */
export class DynamoPaymentStore implements PaymentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: PaymentTables,
  ) {}

  async get(paymentId: string): Promise<Payment | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.payments, Key: { paymentId }, ConsistentRead: true }));
    if (!Item) return undefined;
    const { worklist: _worklist, ...payment } = Item;
    return payment as Payment;
  }

  async record(payment: Payment, invoices: readonly { before: Invoice; after: Invoice }[], journal: Journal): Promise<void> {
    const paymentItem = payment.status === 'unapplied' ? { ...payment, worklist: 'UNAPPLIED' } : payment;
    const items = [
      { Put: { TableName: this.tables.payments, Item: paymentItem, ConditionExpression: 'attribute_not_exists(paymentId)' } },
      ...invoices.map(({ before, after }) => ({
        Update: {
          TableName: this.tables.invoices,
          Key: { invoiceId: after.invoiceId },
          UpdateExpression: 'SET paidMinor = :paid, balanceMinor = :balance, #status = :status, allocations = :allocations, history = :history',
          ConditionExpression: 'balanceMinor = :beforeBalance AND #status = :beforeStatus',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':paid': after.paidMinor,
            ':balance': after.balanceMinor,
            ':status': after.status,
            ':allocations': after.allocations,
            ':history': after.history,
            ':beforeBalance': before.balanceMinor,
            ':beforeStatus': before.status,
          },
        },
      })),
      ...(payment.onAccountMinor > 0 && payment.customerId
        ? [
            {
              Update: {
                TableName: this.tables.customers,
                Key: { customerId: payment.customerId },
                UpdateExpression: 'ADD onAccountCreditMinor :credit',
                ConditionExpression: 'attribute_exists(customerId)',
                ExpressionAttributeValues: { ':credit': payment.onAccountMinor },
              },
            },
          ]
        : []),
      ...journalPuts(this.tables.ledger, journal),
    ];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes && (codes.slice(1, 1 + invoices.length).includes('ConditionalCheckFailed') || codes.includes('TransactionConflict'))) {
        throw new ConcurrentUpdateError('An invoice the payment applies to');
      }
      throw error;
    }
  }
}
