/**
 * The closed accounting periods, one item of the Ledger table (`pk` `ledger-periods`, `sk` `state`:
 * `closedThrough` and the list of closes). It is what makes closing safe against a concurrent posting:
 *
 * - every journal writer (the posting writer, the invoice issuer) reads the item, dates its journals
 *   in an open period ({@link datedInOpenPeriod}) and puts a `ConditionCheck` on the item into its
 *   transaction: "`closedThrough` is still what I read";
 * - closing is a transaction that changes `closedThrough`, conditional on the value it read.
 *
 * DynamoDB runs transactions that touch the same item one after the other (serializable). Either the
 * posting commits first (it is dated in the period, which closes after it and so contains it), or the
 * close commits first and the posting's condition fails: the writer reads the item again and books
 * the posting in the next open period. No posting is ever written into a period after it closed.
 * Only journals that may meet a close carry the read and the guard: those dated in a period whose
 * last day (the first day it may be closed) is less than an hour away or has begun. The usual posting,
 * dated earlier in the current month, touches no shared item; near a month's end and for back-dated
 * journals concurrent postings may meet a `TransactionConflict` on it and are retried.
 */
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { datedInOpenPeriod, mayMeetAClose, NO_PERIOD_CLOSED, type PeriodState } from '../../core/ledger/periods';
import type { Journal } from '../../core/ledger/ledger';
import type { DomainEvent } from '../../core/events/catalogue';
import type { PeriodStore } from '../../core/journals/journals';
import { ConcurrentUpdateError } from '../../core/ports';
import { cancellationCodes } from './document-client';
import { outboxPuts } from './outbox';

export const PERIODS_KEY = { pk: 'ledger-periods', sk: 'state' } as const;

/** Reads the period state (consistent read: a close is seen at once). */
export async function readPeriodState(db: DynamoDBDocumentClient, ledgerTable: string): Promise<PeriodState> {
  const result = await db.send(new GetCommand({ TableName: ledgerTable, Key: PERIODS_KEY, ConsistentRead: true }));
  const item = result?.Item;
  if (!item || typeof item.closedThrough !== 'string') return NO_PERIOD_CLOSED;
  return { closedThrough: item.closedThrough, closed: Array.isArray(item.closed) ? (item.closed as PeriodState['closed']) : [] };
}

/** The condition a journal writer puts into its transaction: the closed periods are still those it read. */
export function periodGuard(ledgerTable: string, closedThrough: string | null) {
  return {
    ConditionCheck: {
      TableName: ledgerTable,
      Key: PERIODS_KEY,
      ...(closedThrough === null
        ? { ConditionExpression: 'attribute_not_exists(closedThrough)' }
        : { ConditionExpression: 'closedThrough = :closedThrough', ExpressionAttributeValues: { ':closedThrough': closedThrough } }),
    },
  };
}

/** The journals dated in open periods, and the guard of that reading, for a writer's transaction. */
export async function journalsInOpenPeriods(db: DynamoDBDocumentClient, ledgerTable: string, journals: readonly Journal[], timeZone: string, now: Date) {
  // A journal dated in a month that cannot be closed before the transaction commits needs neither
  // the read nor the guard: periods close only from their last day (`checkClose`).
  if (!journals.some((j) => mayMeetAClose(j.postedAt, now, timeZone))) return { journals: [...journals], guard: [] };
  const { closedThrough } = await readPeriodState(db, ledgerTable);
  return { journals: journals.map((j) => datedInOpenPeriod(j, closedThrough, timeZone)), guard: [periodGuard(ledgerTable, closedThrough)] };
}

export class DynamoPeriodStore implements PeriodStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { ledger: string; outbox: string },
  ) {}

  read(): Promise<PeriodState> {
    return readPeriodState(this.db, this.tables.ledger);
  }

  async close(expected: PeriodState, closed: PeriodState, event: DomainEvent): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tables.ledger,
                Item: { ...PERIODS_KEY, closedThrough: closed.closedThrough, closed: closed.closed },
                ...(expected.closedThrough === null
                  ? { ConditionExpression: 'attribute_not_exists(closedThrough)' }
                  : { ConditionExpression: 'closedThrough = :expected', ExpressionAttributeValues: { ':expected': expected.closedThrough } }),
              },
            },
            ...outboxPuts(this.tables.outbox, [event]),
          ],
        }),
      );
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) throw new ConcurrentUpdateError('the closed periods');
      throw error;
    }
  }
}
