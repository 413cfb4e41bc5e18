/**
 * The one writer of money on DynamoDB: a posting (`core/posting/posting.ts`) is one
 * `TransactWriteItems`, all or nothing. Each transaction item is named (`invoice I-1`, `payment`,
 * `journal payment-P-1 line 2`, `event PaymentReceived.v1 …`), with the posting's domain events in
 * the outbox (`outbox.ts`), so a refusal is read by name, never by position:
 *
 * - the statement line's identity exists → {@link LineAlreadyRecordedError};
 * - the new payment's id exists → {@link PaymentExistsError} (a payment recorded once per id);
 * - a journal exists and nothing the posting read has changed → {@link PostingWrittenBeforeError};
 * - a period was closed since the closed periods were read → read again and write the posting
 *   anew, its journals dated in the next open period (`ledger-periods.ts`);
 * - an invoice or the payment changed since read, or another transaction held one of the items →
 *   {@link ConcurrentUpdateError} (the caller reads again);
 * - anything else → an error naming the refused items.
 *
 * A posting over the service's limits (100 items, 4 MB) is refused before anything is sent
 * ({@link PostingTooLargeError}); use cases keep their postings within them.
 */
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { PostingTooLargeError, PostingWrittenBeforeError, TRANSACTION_LIMITS, type Posting } from '../../core/posting/posting';
import { ConcurrentUpdateError, LineAlreadyRecordedError, PaymentExistsError, SequenceTakenError, type PostingWriter } from '../../core/ports';
import type { PayerToRemember } from '../../core/cash-application/application';
import type { CollectionFile } from '../../core/sepa/collection';
import { cancellationCodes } from './document-client';
import { invoiceWrite } from './invoice-item';
import { journalPuts } from './ledger-items';
import { outboxPuts } from './outbox';
import { postingEvents } from '../../core/events/events';
import { collectionFileItem, mandateWrite, refundItem } from './direct-debit-store';
import { journalsInOpenPeriods } from './ledger-periods';
import { systemClock, type Clock } from '../../core/time/clock';

export interface PostingTables {
  readonly invoices: string;
  readonly ledger: string;
  readonly payments: string;
  readonly customers: string;
  readonly payers: string;
  readonly statements: string;
  readonly statementLines: string;
  /** DunningRuns: the collectors' worklist lives there. */
  readonly runs: string;
  readonly creditNotes: string;
  /** Gapless number series (credit notes take their numbers with the posting). */
  readonly counters: string;
  /** The domain events the posting reports (`core/events/events.ts`). */
  readonly outbox: string;
  /** DirectDebits: SEPA collection files and mandates. */
  readonly directDebits: string;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

interface NamedItem {
  readonly name: string;
  readonly kind: 'invoice' | 'journal' | 'new-payment' | 'payment' | 'customer' | 'payer' | 'statement-line' | 'line-result' | 'worklist' | 'credit-note' | 'counter' | 'event' | 'direct-debit' | 'periods';
  readonly item: TransactItem;
}

/** The sort key of a line's outcome in the Statements table: its place in the file, zero-padded so a query returns file order. */
export function lineSortKey(sequence: number): string {
  return `line#${String(sequence).padStart(9, '0')}`;
}

/** The `Payers` updates that remember a payer account and name for a customer (string set `ADD`). */
export function payerItems(tableName: string, payer: PayerToRemember, at: string) {
  const keys = [...(payer.account ? [`account#${payer.account}`] : []), ...(payer.name ? [`name#${payer.name}`] : [])];
  return keys.map((payerKey) => ({
    Update: {
      TableName: tableName,
      Key: { payerKey },
      UpdateExpression: 'ADD customerIds :customer SET updatedAt = :at',
      ExpressionAttributeValues: { ':customer': new Set([payer.customerId]), ':at': at },
    },
  }));
}

/**
 * The customer update of a posting: on-account credit and the payer's account and name, `ADD` only,
 * so it never overwrites a concurrent change of the master data. Undefined when there is nothing to add.
 */
function customerUpdate(tableName: string, customerId: string, add: { onAccountCreditMinor: number; payerAccount: string | null; payerName: string | null }) {
  const parts: string[] = [];
  const values: Record<string, unknown> = {};
  let condition = 'attribute_exists(customerId)';
  if (add.onAccountCreditMinor !== 0) {
    parts.push('onAccountCreditMinor :credit');
    values[':credit'] = add.onAccountCreditMinor;
  }
  if (add.onAccountCreditMinor < 0) {
    // Credit taken (applied or refunded): only while the customer still has that much.
    condition += ' AND onAccountCreditMinor >= :taken';
    values[':taken'] = -add.onAccountCreditMinor;
  }
  if (add.payerAccount) {
    parts.push('knownPayerAccounts :accounts');
    values[':accounts'] = new Set([add.payerAccount]);
  }
  if (add.payerName) {
    parts.push('knownPayerNames :names');
    values[':names'] = new Set([add.payerName]);
  }
  if (parts.length === 0) return undefined;
  return {
    Update: { TableName: tableName, Key: { customerId }, UpdateExpression: `ADD ${parts.join(', ')}`, ConditionExpression: condition, ExpressionAttributeValues: values },
  };
}

export class DynamoPostingWriter implements PostingWriter {
  /** Write capacity units consumed by the postings written since it was built (the benchmarks print it). */
  readonly consumed = { write: 0 };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Partial<PostingTables>,
    /** The business time zone, in which periods (months) are read. */
    private readonly options: { readonly timeZone: string; readonly clock?: Clock } = { timeZone: 'Europe/Berlin' },
  ) {}

  /** The named transaction items of a posting (exported for the tests through {@link DynamoPostingWriter.itemsOf}). */
  itemsOf(posting: Posting): NamedItem[] {
    const items: NamedItem[] = [];
    const line = posting.statementLine;
    if (line) {
      const { result } = line;
      items.push({
        name: `statement line ${result.lineKey}`,
        kind: 'statement-line',
        item: { Put: { TableName: this.table('statementLines'), Item: { ...result }, ConditionExpression: 'attribute_not_exists(lineKey)' } },
      });
      items.push({
        name: `outcome of line ${result.sequence} in ${line.statementId}`,
        kind: 'line-result',
        item: { Put: { TableName: this.table('statements'), Item: { ...result, statementId: line.statementId, sk: lineSortKey(result.sequence), recordedIn: result.statementId } } },
      });
    }
    if (posting.payment) {
      const { before, after } = posting.payment;
      const item = after.unappliedMinor > 0 ? { ...after, worklist: 'UNAPPLIED' } : after;
      items.push({
        name: `payment ${after.paymentId}`,
        kind: before === null ? 'new-payment' : 'payment',
        item:
          before === null
            ? { Put: { TableName: this.table('payments'), Item: item, ConditionExpression: 'attribute_not_exists(paymentId)' } }
            : {
                Put: {
                  TableName: this.table('payments'),
                  Item: item,
                  ConditionExpression: 'attribute_exists(paymentId) AND unappliedMinor = :before',
                  ExpressionAttributeValues: { ':before': before.unappliedMinor },
                },
              },
      });
    }
    for (const change of posting.invoices) {
      items.push({ name: `invoice ${change.after.invoiceId}`, kind: 'invoice', item: invoiceWrite(this.table('invoices'), change) });
    }
    // One update per customer: credit and payer of the same customer go together (a transaction touches an item once).
    const customers = new Map<string, { onAccountCreditMinor: number; payerAccount: string | null; payerName: string | null }>();
    const customer = (id: string) => customers.get(id) ?? customers.set(id, { onAccountCreditMinor: 0, payerAccount: null, payerName: null }).get(id)!;
    if (posting.customerCredit) customer(posting.customerCredit.customerId).onAccountCreditMinor += posting.customerCredit.amountMinor;
    if (posting.payer) Object.assign(customer(posting.payer.customerId), { payerAccount: posting.payer.account, payerName: posting.payer.name });
    for (const [customerId, add] of customers) {
      const update = customerUpdate(this.table('customers'), customerId, add);
      if (update) items.push({ name: `customer ${customerId}`, kind: 'customer', item: update });
    }
    if (posting.payer) {
      const at = posting.journals[0]?.postedAt ?? new Date(0).toISOString();
      payerItems(this.table('payers'), posting.payer, at).forEach((item, i) => items.push({ name: `payer key ${i + 1} of customer ${posting.payer!.customerId}`, kind: 'payer', item }));
    }
    for (const journal of posting.journals) {
      journalPuts(this.table('ledger'), journal).forEach((put, i) => {
        const reasonCode = journal.lines[i]?.reasonCode;
        const item = reasonCode ? { Put: { ...put.Put, Item: { ...put.Put.Item, reasonCode } } } : put;
        items.push({ name: `journal ${journal.journalId} line ${i + 1}`, kind: 'journal', item });
      });
    }
    const worklist = posting.collectionsWorklist;
    if (worklist) {
      const key = { pk: COLLECTIONS_WORKLIST, sk: worklist.invoiceId };
      items.push({
        name: `collections worklist entry of ${worklist.invoiceId}`,
        kind: 'worklist',
        item:
          worklist.action === 'add'
            ? { Put: { TableName: this.table('runs'), Item: { ...key, invoiceId: worklist.invoiceId, customerId: worklist.customerId, addedAt: worklist.at } } }
            : { Delete: { TableName: this.table('runs'), Key: key } },
      });
    }
    const note = posting.creditNote;
    if (note) {
      items.push({ name: `credit note ${note.number}`, kind: 'credit-note', item: { Put: { TableName: this.table('creditNotes'), Item: { ...note }, ConditionExpression: 'attribute_not_exists(creditNoteId)' } } });
      items.push({
        name: `number ${note.sequence} of series ${note.series}`,
        kind: 'counter',
        item: {
          Update: {
            TableName: this.table('counters'),
            Key: { counterId: note.series },
            UpdateExpression: 'SET #last = :sequence',
            ConditionExpression: note.sequence === 1 ? 'attribute_not_exists(counterId)' : '#last = :previous',
            ExpressionAttributeNames: { '#last': 'last' },
            ExpressionAttributeValues: note.sequence === 1 ? { ':sequence': 1 } : { ':sequence': note.sequence, ':previous': note.sequence - 1 },
          },
        },
      });
    }
    const events = postingEvents(posting);
    outboxPuts(events.length ? this.table('outbox') : undefined, events).forEach((item, i) => items.push({ name: `event ${events[i]!.eventType} ${events[i]!.eventId}`, kind: 'event', item }));
    const directDebit = posting.directDebit;
    if (directDebit?.file) {
      const { before, after } = directDebit.file;
      items.push({ name: `collection file ${after.fileId}`, kind: 'direct-debit', item: { Put: collectionFilePut(this.table('directDebits'), before, after) } });
    }
    if (directDebit?.refund) {
      const { before, after } = directDebit.refund;
      const item = refundItem(after);
      items.push({
        name: `refund ${after.refundId}`,
        kind: 'direct-debit',
        item: {
          Put:
            before === null
              ? { TableName: this.table('directDebits'), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }
              : { TableName: this.table('directDebits'), Item: item, ConditionExpression: '#status = :before', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':before': before.status } },
        },
      });
    }
    for (const mandate of directDebit?.mandates ?? []) {
      items.push({ name: `mandate ${mandate.after.mandateId}`, kind: 'direct-debit', item: { Put: mandateWrite(this.table('directDebits'), mandate.before, mandate.after) } });
    }
    return items;
  }

  /**
   * Writes the posting, its journals dated in an open period (a journal dated in a closed period is
   * booked on the first day of the next open one, keeping its own date): see `ledger-periods.ts`.
   */
  async post(posting: Posting): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.postInOpenPeriods(posting);
      } catch (error) {
        if (!(error instanceof PeriodClosedMeanwhileError) || attempt >= 3) throw error instanceof PeriodClosedMeanwhileError ? new ConcurrentUpdateError(`The closed periods of ${posting.description}`) : error;
      }
    }
  }

  private async postInOpenPeriods(original: Posting): Promise<void> {
    const { journals, guard } = original.journals.length > 0 ? await journalsInOpenPeriods(this.db, this.table('ledger'), original.journals, this.options.timeZone, (this.options.clock ?? systemClock).now()) : { journals: [], guard: [] };
    const posting: Posting = journals.length > 0 ? { ...original, journals } : original;
    const named: NamedItem[] = [...this.itemsOf(posting), ...guard.map((item) => ({ name: 'closed periods', kind: 'periods' as const, item }))];
    if (named.length > TRANSACTION_LIMITS.items) throw new PostingTooLargeError(posting.description, named.length, TRANSACTION_LIMITS.items);
    const bytes = Buffer.byteLength(JSON.stringify(named.map((n) => n.item), (_k, v: unknown) => (v instanceof Set ? [...v] : v)));
    if (bytes > TRANSACTION_LIMITS.bytes) throw new PostingTooLargeError(`${posting.description} (${bytes} bytes)`, named.length, TRANSACTION_LIMITS.items);
    try {
      const result = await this.db.send(new TransactWriteCommand({ TransactItems: named.map((n) => n.item), ReturnConsumedCapacity: 'TOTAL' }));
      for (const c of result?.ConsumedCapacity ?? []) this.consumed.write += c.WriteCapacityUnits ?? c.CapacityUnits ?? 0;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const failed = (kind: NamedItem['kind']) => named.some((n, i) => n.kind === kind && codes[i] === 'ConditionalCheckFailed');
      if (failed('periods')) throw new PeriodClosedMeanwhileError();
      if (failed('statement-line')) throw new LineAlreadyRecordedError(posting.statementLine!.result.lineKey);
      if (failed('new-payment')) throw new PaymentExistsError(posting.payment!.after.paymentId);
      if (failed('credit-note')) throw new PostingWrittenBeforeError(posting.description);
      if (failed('counter')) throw new SequenceTakenError(posting.creditNote!.series, posting.creditNote!.sequence);
      if (failed('journal') && !failed('invoice') && !failed('payment')) throw new PostingWrittenBeforeError(posting.description);
      if (failed('customer')) throw new ConcurrentUpdateError(`The customer's on-account credit of ${posting.description} (less than taken, or changed)`);
      if (failed('invoice') || failed('payment') || failed('direct-debit') || codes.includes('TransactionConflict')) throw new ConcurrentUpdateError(`An invoice or the payment of ${posting.description}`);
      const refused = named.map((n, i) => [n.name, codes[i]] as const).filter(([, code]) => code && code !== 'None');
      throw new Error(`Writing ${posting.description} was refused: ${refused.map(([name, code]) => `${name}: ${code}`).join(', ')}`, { cause: error });
    }
  }

  /**
   * Several independent postings (statement lines of different customers) as ONE transaction, so a
   * statement costs one round trip per pack of lines rather than per line. All or nothing: `true`
   * when every posting was written; `false`, nothing written, when together they exceed the
   * transaction's limits, touch one item twice, or any condition of any of them failed (a line
   * recorded already, an invoice changed since read): the caller then posts them one by one with
   * {@link post}, which says which and why. Other failures (the service unavailable) are thrown.
   */
  async postTogether(originals: readonly Posting[]): Promise<boolean> {
    if (originals.length === 0) return true;
    // Dated in open periods as `post` dates them, with one guard for the whole pack (a refused guard
    // makes the pack fail, and `post` then dates each line again).
    const { journals, guard } = await journalsInOpenPeriods(this.db, this.table('ledger'), originals.flatMap((p) => p.journals), this.options.timeZone, (this.options.clock ?? systemClock).now());
    let next = 0;
    const postings = originals.map((p) => (p.journals.length === 0 ? p : { ...p, journals: journals.slice(next, (next += p.journals.length)) }));
    const named: NamedItem[] = [...postings.flatMap((posting) => this.itemsOf(posting)), ...guard.map((item) => ({ name: 'closed periods', kind: 'periods' as const, item }))];
    if (named.length > TRANSACTION_LIMITS.items) return false;
    const updated = named.map((n) => updatedItemOf(n.item)).filter((key) => key !== undefined);
    if (new Set(updated).size !== updated.length) return false;
    const bytes = Buffer.byteLength(JSON.stringify(named.map((n) => n.item), (_k, v: unknown) => (v instanceof Set ? [...v] : v)));
    if (bytes > TRANSACTION_LIMITS.bytes) return false;
    try {
      const result = await this.db.send(new TransactWriteCommand({ TransactItems: named.map((n) => n.item), ReturnConsumedCapacity: 'TOTAL' }));
      for (const c of result?.ConsumedCapacity ?? []) this.consumed.write += c.WriteCapacityUnits ?? c.CapacityUnits ?? 0;
      return true;
    } catch (error) {
      if (cancellationCodes(error) || isSameItemTwice(error)) return false;
      throw error;
    }
  }

  private table(name: keyof PostingTables): string {
    const value = this.tables[name];
    if (!value) throw new Error(`The posting writer was built without the ${name} table`);
    return value;
  }
}

/** A period was closed between reading the closed periods and writing: the posting is dated again. */
class PeriodClosedMeanwhileError extends Error {
  constructor() {
    super('A period was closed while the posting was written');
    this.name = 'PeriodClosedMeanwhileError';
  }
}

/**
 * The item an update, delete or check names (table and key), to refuse a pack that names one twice
 * before sending it. Puts are not compared: what a posting puts is keyed by ids new to it (payment,
 * journal, event, statement line and its place), so two lines never put the same item.
 */
function updatedItemOf(item: TransactItem): string | undefined {
  const op = item.Update ?? item.Delete ?? item.ConditionCheck;
  return op ? `${op.TableName} ${JSON.stringify(op.Key)}` : undefined;
}

/** DynamoDB's refusal of a transaction that names one item twice (a ValidationException, not a cancellation). */
function isSameItemTwice(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ValidationException' && /multiple operations on one item/i.test((error as Error).message ?? '');
}

/** The partition of the DunningRuns table that holds the collectors' worklist (sort key the invoice id). */
export const COLLECTIONS_WORKLIST = 'collections-worklist';

/** The put of a collection file: new (its id unused) or changed (still in the status that was read). */
function collectionFilePut(tableName: string, before: CollectionFile | null, after: CollectionFile) {
  const item = collectionFileItem(after);
  return before === null
    ? { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }
    : { TableName: tableName, Item: item, ConditionExpression: '#status = :before', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':before': before.status } };
}
