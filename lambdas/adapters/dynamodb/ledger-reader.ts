import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { projectionOf, scanAll } from './batch';
import type { Account, AccountBalance } from '../../core/ledger/ledger';
import type { LedgerReader } from '../../core/ports';

/**
 * Reads the whole journal and every invoice balance. This is an audit, not a request path: it
 * scans both tables page by page, and its cost grows with their size.
 */
export class DynamoLedgerReader implements LedgerReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { ledger: string; invoices: string },
  ) {}

  async accountTotals(): Promise<{ balances: AccountBalance[]; unbalancedJournals: string[] }> {
    const totals = new Map<string, { account: Account; currency: string; debitMinor: number; creditMinor: number }>();
    const perJournal = new Map<string, number>();
    await this.scan(this.tables.ledger, 'pk, account, side, amountMinor, currency', (item) => {
      // Journal lines only: the closed periods' item (`ledger-periods.ts`) is no line.
      if (item.account === undefined) return;
      const key = `${item.account}|${item.currency}`;
      const entry = totals.get(key) ?? { account: item.account as Account, currency: String(item.currency), debitMinor: 0, creditMinor: 0 };
      const amount = Number(item.amountMinor);
      if (item.side === 'debit') entry.debitMinor += amount;
      else entry.creditMinor += amount;
      totals.set(key, entry);
      const journal = String(item.pk);
      perJournal.set(journal, (perJournal.get(journal) ?? 0) + (item.side === 'debit' ? amount : -amount));
    });
    return {
      balances: [...totals.values()],
      unbalancedJournals: [...perJournal.entries()].filter(([, net]) => net !== 0).map(([journal]) => journal),
    };
  }

  async openItemsTotal(): Promise<Record<string, number>> {
    const totals: Record<string, number> = {};
    await this.scan(this.tables.invoices, 'currency, balanceMinor', (item) => {
      const currency = String(item.currency);
      totals[currency] = (totals[currency] ?? 0) + Number(item.balanceMinor ?? 0);
    });
    return totals;
  }

  private async scan(tableName: string, projection: string, visit: (item: Record<string, unknown>) => void): Promise<void> {
    const items = await scanAll(this.db, { TableName: tableName, ...projectionOf(projection.split(',').map((p) => p.trim())), ConsistentRead: true });
    items.forEach(visit);
  }

}
