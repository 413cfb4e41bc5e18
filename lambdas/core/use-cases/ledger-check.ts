/**
 * The ledger check: debits equal credits (from the balances and recomputed from every journal),
 * and the receivables control balance equals the sum of open item balances, per currency.
 */
import { formatAmount } from '../money/money';
import type { LedgerCheckResult } from '../ledger/ledger';
import type { CoreDeps } from './deps';

export async function ledgerCheck(deps: Pick<CoreDeps, 'ledger'>): Promise<LedgerCheckResult> {
  const [balances, openItems, journals] = await Promise.all([deps.ledger.balances(), deps.ledger.openItemsTotal(), deps.ledger.journalTotals()]);
  const debits: Record<string, number> = {};
  const credits: Record<string, number> = {};
  const receivables: Record<string, number> = {};
  for (const b of balances) {
    debits[b.currency] = (debits[b.currency] ?? 0) + b.debitMinor;
    credits[b.currency] = (credits[b.currency] ?? 0) + b.creditMinor;
    if (b.account === 'receivables') receivables[b.currency] = (receivables[b.currency] ?? 0) + b.debitMinor - b.creditMinor;
  }
  const problems: string[] = [];
  const currencies = new Set([...Object.keys(debits), ...Object.keys(openItems), ...Object.keys(journals.debits)]);
  const fmt = (minor: number, currency: string) => formatAmount({ minor, currency });
  for (const c of [...currencies].sort()) {
    const d = debits[c] ?? 0;
    const cr = credits[c] ?? 0;
    if (d !== cr) problems.push(`${c}: debits ${fmt(d, c)} differ from credits ${fmt(cr, c)}`);
    if ((journals.debits[c] ?? 0) !== d || (journals.credits[c] ?? 0) !== cr) {
      problems.push(`${c}: account balances (${fmt(d, c)} / ${fmt(cr, c)}) differ from the journal lines (${fmt(journals.debits[c] ?? 0, c)} / ${fmt(journals.credits[c] ?? 0, c)})`);
    }
    if ((receivables[c] ?? 0) !== (openItems[c] ?? 0)) {
      problems.push(`${c}: receivables control ${fmt(receivables[c] ?? 0, c)} differs from open items ${fmt(openItems[c] ?? 0, c)}`);
    }
  }
  for (const j of journals.unbalancedJournals) problems.push(`journal ${j} is unbalanced`);
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
