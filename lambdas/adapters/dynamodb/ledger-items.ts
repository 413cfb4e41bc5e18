/** How journal lines are stored in the Ledger table: pk the journal id, sk `line#NNN`, with the reason code where a line has one and the original date of a journal moved out of a closed period. */
import type { Journal } from '../../core/ledger/ledger';

export function journalPuts(tableName: string, journal: Journal) {
  return journal.lines.map((line, index) => ({
    Put: {
      TableName: tableName,
      Item: {
        pk: journal.journalId,
        sk: `line#${String(index + 1).padStart(3, '0')}`,
        event: journal.event,
        postedAt: journal.postedAt,
        account: line.account,
        side: line.side,
        amountMinor: line.amount.minor,
        currency: line.amount.currency,
        reference: line.reference,
        ...(line.reasonCode ? { reasonCode: line.reasonCode } : {}),
        ...(journal.originalPostedAt ? { originalPostedAt: journal.originalPostedAt } : {}),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  }));
}
