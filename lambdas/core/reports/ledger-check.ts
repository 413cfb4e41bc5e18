/**
 * The ledger check: debits equal credits, summed over every journal line and checked per journal,
 * and the receivables control balance equals the sum of open item balances, per currency.
 */
import { formatAmount } from '../money/money';
import type { LedgerCheckResult } from '../ledger/ledger';
import type { CoreDeps } from '../deps';

export async function ledgerCheck(deps: Pick<CoreDeps, 'ledger'>): Promise<LedgerCheckResult> {
  const [{ balances, unbalancedJournals }, openItems] = await Promise.all([deps.ledger.accountTotals(), deps.ledger.openItemsTotal()]);
  const debits: Record<string, number> = {};
  const credits: Record<string, number> = {};
  const receivables: Record<string, number> = {};
  for (const b of balances) {
    debits[b.currency] = (debits[b.currency] ?? 0) + b.debitMinor;
    credits[b.currency] = (credits[b.currency] ?? 0) + b.creditMinor;
    if (b.account === 'receivables') receivables[b.currency] = (receivables[b.currency] ?? 0) + b.debitMinor - b.creditMinor;
  }
  const problems: string[] = [];
  const currencies = new Set([...Object.keys(debits), ...Object.keys(openItems)]);
  const fmt = (minor: number, currency: string) => formatAmount({ minor, currency });
  for (const c of [...currencies].sort()) {
    const d = debits[c] ?? 0;
    const cr = credits[c] ?? 0;
    if (d !== cr) problems.push(`${c}: debits ${fmt(d, c)} differ from credits ${fmt(cr, c)}`);
    if ((receivables[c] ?? 0) !== (openItems[c] ?? 0)) {
      problems.push(`${c}: receivables control ${fmt(receivables[c] ?? 0, c)} differs from open items ${fmt(openItems[c] ?? 0, c)}`);
    }
  }
  for (const j of unbalancedJournals) problems.push(`journal ${j} is unbalanced`);
  const asText = (values: Record<string, number>) => Object.fromEntries([...currencies].sort().map((c) => [c, fmt(values[c] ?? 0, c)]));
  return {
    balanced: problems.length === 0,
    debits: asText(debits),
    credits: asText(credits),
    receivablesControl: asText(receivables),
    openItemsTotal: asText(openItems),
    problems,
  };
}
