import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Invoice } from '../../core/invoices/invoice';
import type { Journal } from '../../core/ledger/ledger';
import type { Order, StatusChange } from '../../core/orders/order';
import { ConcurrentUpdateError, SequenceTakenError, type InvoiceStore, type Page } from '../../core/ports';
import { cancellationCodes, decodeCursor, encodeCursor, isConditionalCheckFailed } from './document-client';
import { INVOICE_INDEX, invoiceFromItem, invoicesByIndex, invoiceWrite } from './invoice-item';
import { batchGet, queryAllItems, queryPageOfItems } from './batch';
import { journalPuts } from './ledger-items';
import { journalsInOpenPeriods } from './ledger-periods';
import { outboxPuts } from './outbox';
import type { DomainEvent } from '../../core/events/catalogue';
import { systemClock, type Clock } from '../../core/time/clock';

export interface InvoiceTables {
  readonly invoices: string;
  readonly counters: string;
  readonly orders: string;
  readonly ledger: string;
  readonly customers: string;
  /** Where the events of an issue or a sending go (the outbox). */
  readonly outbox: string;
}

/** Invoices, their gapless number series (Counters) and the journal they post (Ledger). */
export class DynamoInvoiceStore implements InvoiceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Partial<InvoiceTables> & { invoices: string },
    /** The business time zone, in which periods (months) are read. */
    private readonly options: { readonly timeZone: string; readonly clock?: Clock } = { timeZone: 'Europe/Berlin' },
  ) {}

  async get(invoiceId: string): Promise<Invoice | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.invoices, Key: { invoiceId }, ConsistentRead: true }));
    return Item ? invoiceFromItem(Item) : undefined;
  }

  getByNumber(number: string): Promise<Invoice | undefined> {
    return this.byIndex(INVOICE_INDEX.byNumber, 'number', number);
  }

  getByRfReference(rfReference: string): Promise<Invoice | undefined> {
    return this.byIndex(INVOICE_INDEX.byRfReference, 'rfReference', rfReference);
  }

  listByCustomer(customerId: string, limit: number, cursor?: string, dueOnOrBefore?: string): Promise<Page<Invoice>> {
    return this.page(INVOICE_INDEX.byCustomer, 'customerId', customerId, limit, cursor, dueOnOrBefore);
  }

  listByStatus(status: string, limit: number, cursor?: string, dueOnOrBefore?: string): Promise<Page<Invoice>> {
    return this.page(INVOICE_INDEX.byStatus, 'status', status, limit, cursor, dueOnOrBefore);
  }

  async listByOwner(ownerId: string, limit: number, cursor?: string, only: { dueOnOrBefore?: string | undefined; status?: string | undefined } = {}): Promise<Page<Invoice>> {
    const due = only.dueOnOrBefore;
    const result = await queryPageOfItems(
      this.db,
      {
        TableName: this.tables.invoices,
        IndexName: INVOICE_INDEX.byOwner,
        KeyConditionExpression: due ? '#owner = :owner AND dueDate <= :due' : '#owner = :owner',
        ...(only.status ? { FilterExpression: '#status = :status' } : {}),
        ExpressionAttributeNames: { '#owner': 'ownerId', ...(only.status ? { '#status': 'status' } : {}) },
        ExpressionAttributeValues: { ':owner': ownerId, ...(due ? { ':due': due } : {}), ...(only.status ? { ':status': only.status } : {}) },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      },
      'invoiceId',
    );
    const items = result.items.map(invoiceFromItem);
    const next = encodeCursor(result.lastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }

  async allOfCustomer(customerId: string): Promise<Invoice[]> {
    const items = await queryAllItems(this.db, { TableName: this.tables.invoices, IndexName: INVOICE_INDEX.byCustomer, KeyConditionExpression: 'customerId = :c', ExpressionAttributeValues: { ':c': customerId } }, 'invoiceId');
    return items.map(invoiceFromItem);
  }


  async lastSequence(series: string): Promise<number> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.required('counters'), Key: { counterId: series }, ConsistentRead: true }));
    return typeof Item?.last === 'number' ? Item.last : 0;
  }

  async issue(
    invoice: Invoice,
    journal: Journal,
    order: { orderId: string; shipmentIndex: number; shipmentId: string; change: StatusChange & { status: Order['status'] }; releaseCredit?: { customerId: string; amountMinor: number } },
    events: readonly DomainEvent[] = [],
  ): Promise<{ invoice: Invoice; created: boolean }> {
    // The journal is dated in an open period, guarded in the transaction (`ledger-periods.ts`); a close in between: date it again.
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.issueInOpenPeriod(invoice, journal, order, events);
      if (outcome !== 'period-closed-meanwhile') return outcome;
      if (attempt >= 3) throw new ConcurrentUpdateError(`The closed periods of invoice ${invoice.invoiceId}`);
    }
  }

  private async issueInOpenPeriod(
    invoice: Invoice,
    original: Journal,
    order: Parameters<DynamoInvoiceStore['issue']>[2],
    events: readonly DomainEvent[],
  ): Promise<{ invoice: Invoice; created: boolean } | 'period-closed-meanwhile'> {
    // Built without the tables issuing writes: refused before anything is read.
    this.required('counters');
    const {
      journals: [journal],
      guard,
    } = await journalsInOpenPeriods(this.db, this.required('ledger'), [original], this.options.timeZone, (this.options.clock ?? systemClock).now());
    const counterCondition = invoice.sequence === 1 ? 'attribute_not_exists(counterId)' : '#last = :previous';
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ...invoiceWrite(this.tables.invoices, { before: null, after: invoice }),
            },
            {
              Update: {
                TableName: this.required('counters'),
                Key: { counterId: invoice.series },
                UpdateExpression: 'SET #last = :sequence',
                ConditionExpression: counterCondition,
                ExpressionAttributeNames: { '#last': 'last' },
                ExpressionAttributeValues: invoice.sequence === 1 ? { ':sequence': 1 } : { ':sequence': invoice.sequence, ':previous': invoice.sequence - 1 },
              },
            },
            {
              Update: {
                TableName: this.required('orders'),
                Key: { orderId: order.orderId },
                UpdateExpression: `SET #status = :status, invoiceIds = list_append(invoiceIds, :invoice), history = list_append(history, :change), updatedAt = :at, shipments[${order.shipmentIndex}].invoiceId = :invoiceId ADD pendingShipments :minusOne, openInvoiceCount :one, invoicedMinor :gross REMOVE taskToken, waitingFor`,
                ConditionExpression: `attribute_exists(orderId) AND #status IN (:received, :awaiting, :partially) AND shipments[${order.shipmentIndex}].shipmentId = :shipmentId`,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':status': order.change.status,
                  ':invoice': [invoice.invoiceId],
                  ':invoiceId': invoice.invoiceId,
                  ':change': [order.change],
                  ':at': order.change.at,
                  ':received': 'RECEIVED',
                  ':awaiting': 'AWAITING_SHIPMENT',
                  ':partially': 'PARTIALLY_SHIPPED',
                  ':shipmentId': order.shipmentId,
                  ':minusOne': -1,
                  ':one': 1,
                  ':gross': invoice.totalMinor,
                },
              },
            },
            ...journalPuts(this.required('ledger'), journal!),
            // The order's reserved credit becomes a receivable: the customer's reservation falls by what this invoice bills.
            ...(order.releaseCredit && order.releaseCredit.amountMinor > 0
              ? [
                  {
                    Update: {
                      TableName: this.required('customers'),
                      Key: { customerId: order.releaseCredit.customerId },
                      UpdateExpression: 'ADD creditReservedMinor :release',
                      ExpressionAttributeValues: { ':release': -order.releaseCredit.amountMinor },
                    },
                  },
                ]
              : []),
            ...outboxPuts(this.tables.outbox, events),
            ...guard,
          ],
        }),
      );
      return { invoice, created: true };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (guard.length > 0 && codes[codes.length - 1] === 'ConditionalCheckFailed') return 'period-closed-meanwhile';
      if (codes[0] === 'ConditionalCheckFailed') {
        const existing = await this.get(invoice.invoiceId);
        if (existing) return { invoice: existing, created: false };
      }
      if (codes[1] === 'ConditionalCheckFailed' || codes.includes('TransactionConflict')) {
        throw new SequenceTakenError(invoice.series, invoice.sequence);
      }
      throw new Error(`Issuing invoice ${invoice.invoiceId} was refused: ${codes.join(', ')}`, { cause: error });
    }
  }

  async setPaymentTaskToken(invoiceId: string, token: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tables.invoices,
          Key: { invoiceId },
          UpdateExpression: 'SET paymentTaskToken = :token',
          ConditionExpression: 'attribute_exists(invoiceId) AND balanceMinor > :zero',
          ExpressionAttributeValues: { ':token': token, ':zero': 0 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * The due date passed with a balance left: OVERDUE since `overdueAt`, one history entry (the
   * order's MarkOverdueInvoices step; `OverdueMarker`). False when a payment settled it or another
   * status (disputed, written off, overdue already) holds.
   */
  async markOverdue(invoiceId: string, overdueAt: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tables.invoices,
          Key: { invoiceId },
          UpdateExpression: 'SET #status = :overdue, overdueSince = :since, history = list_append(history, :change)',
          ConditionExpression: 'balanceMinor > :zero AND #status IN (:open, :partiallyPaid)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':overdue': 'OVERDUE',
            ':open': 'OPEN',
            ':partiallyPaid': 'PARTIALLY_PAID',
            ':zero': 0,
            ':since': overdueAt,
            ':change': [{ status: 'OVERDUE', at: overdueAt, note: 'unpaid after the due date' }],
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async paymentTaskToken(invoiceId: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.invoices, Key: { invoiceId }, ConsistentRead: true, ProjectionExpression: 'paymentTaskToken' }),
    );
    return typeof Item?.paymentTaskToken === 'string' ? Item.paymentTaskToken : undefined;
  }
  async paymentTaskTokens(invoiceIds: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(invoiceIds)];
    if (unique.length === 0) return new Map();
    const items = await batchGet(this.db, this.tables.invoices, unique.map((invoiceId) => ({ invoiceId })), { attributes: ['invoiceId', 'paymentTaskToken'] });
    return new Map(items.filter((item) => typeof item.paymentTaskToken === 'string').map((item) => [String(item.invoiceId), String(item.paymentTaskToken)]));
  }


  async markSent(invoiceId: string, messageId: string, at: string, events: readonly DomainEvent[] = []): Promise<void> {
    const update = {
      TableName: this.tables.invoices,
      Key: { invoiceId },
      UpdateExpression: 'SET sentAt = :at, emailMessageId = :id, history = list_append(history, :change)',
      ConditionExpression: 'attribute_exists(invoiceId)',
      ExpressionAttributeValues: { ':at': at, ':id': messageId, ':change': [{ status: 'SENT', at, note: 'emailed to the customer' }] },
    };
    if (events.length === 0) {
      await this.db.send(new UpdateCommand(update));
      return;
    }
    await this.db.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...outboxPuts(this.tables.outbox, events)] }));
  }

  private async byIndex(name: string, attribute: string, value: string): Promise<Invoice | undefined> {
    const [first] = await invoicesByIndex(this.db, this.tables.invoices, { name, attribute, value });
    // Index reads are eventually consistent: read the item itself for its current state.
    return first ? this.get(String(first.invoiceId)) : undefined;
  }


  private async page(indexName: string, attribute: string, value: string, limit: number, cursor?: string, dueOnOrBefore?: string): Promise<Page<Invoice>> {
    const result = await queryPageOfItems(
      this.db,
      {
        TableName: this.tables.invoices,
        IndexName: indexName,
        KeyConditionExpression: dueOnOrBefore ? '#a = :v AND dueDate <= :due' : '#a = :v',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: dueOnOrBefore ? { ':v': value, ':due': dueOnOrBefore } : { ':v': value },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      },
      'invoiceId',
    );
    const items = result.items.map(invoiceFromItem);
    const next = encodeCursor(result.lastEvaluatedKey);
    return next ? { items, cursor: next } : { items };
  }

  private required(table: keyof Omit<InvoiceTables, 'invoices'>): string {
    const name = this.tables[table];
    if (!name) throw new Error(`The invoice store was built without the ${table} table`);
    return name;
  }
}
