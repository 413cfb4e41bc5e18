import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CashPayment, ManualApplication } from '../../core/cash-application/application';
import type { Invoice } from '../../core/invoices/invoice';
import type { Journal } from '../../core/ledger/ledger';
import type { Payment } from '../../core/payments/payment';
import { ConcurrentUpdateError, type Page, type PaymentStore, type UnappliedPaymentStore } from '../../core/ports';
import { customerCashUpdate } from './customer-store';
import { cancellationCodes, decodeCursor, encodeCursor } from './document-client';
import { journalPuts } from './ledger-items';
import { invoiceAllocationUpdate } from './invoice-items';
import { journalPutsWithReasons, payerItems } from './statement-store';

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
      ...invoices.map(({ before, after }) => invoiceAllocationUpdate(this.tables.invoices, before, after)),
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

export interface UnappliedPaymentTables {
  readonly payments: string;
  readonly invoices: string;
  readonly customers: string;
  readonly payers: string;
  readonly ledger: string;
}

/**
 * Finance's worklist of payments with money not yet applied (the sparse `unappliedWorklist` index:
 * `worklist = "UNAPPLIED"`, oldest `receivedAt` first), and the manual application of one.
 */
export class DynamoUnappliedPayments implements UnappliedPaymentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Partial<UnappliedPaymentTables> & { payments: string },
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
        IndexName: 'unappliedWorklist',
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

  async applyByHand(application: ManualApplication): Promise<void> {
    const { before, payment, rememberPayer } = application;
    const left = payment.unappliedMinor > 0;
    const customer = rememberPayer
      ? customerCashUpdate(this.required('customers'), rememberPayer.customerId, { payerAccount: rememberPayer.account, payerName: rememberPayer.name })
      : undefined;
    const items = [
      {
        Update: {
          TableName: this.tables.payments,
          Key: { paymentId: payment.paymentId },
          UpdateExpression: `SET allocations = :allocations, unappliedMinor = :unapplied, #status = :status, customerId = :customer, unappliedReason = :reason${left ? '' : ' REMOVE worklist'}`,
          ConditionExpression: 'attribute_exists(paymentId) AND unappliedMinor = :before',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':allocations': payment.allocations,
            ':unapplied': payment.unappliedMinor,
            ':status': payment.status,
            ':customer': payment.customerId,
            ':reason': payment.unappliedReason,
            ':before': before.unappliedMinor,
          },
        },
      },
      ...application.invoices.map(({ before: invoice, after }) => invoiceAllocationUpdate(this.required('invoices'), invoice, after)),
      ...(customer ? [customer] : []),
      ...(rememberPayer ? payerItems(this.required('payers'), rememberPayer, application.journal.postedAt) : []),
      ...journalPutsWithReasons(this.required('ledger'), application.journal),
    ];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes && (codes.slice(0, 1 + application.invoices.length).includes('ConditionalCheckFailed') || codes.includes('TransactionConflict'))) {
        throw new ConcurrentUpdateError(`Payment ${payment.paymentId} or an invoice it applies to`);
      }
      throw error;
    }
  }

  private required(table: keyof Omit<UnappliedPaymentTables, 'payments'>): string {
    const name = this.tables[table];
    if (!name) throw new Error(`The unapplied payment store was built without the ${table} table`);
    return name;
  }
}
