/**
 * `npm run ledger-check -- [--api URL] [--key FINANCE_KEY]`: the ledger check as a command, for
 * finance and for scripts. Asks the product's `GET /reports/ledger-check` (the local stack by
 * default, on PORT as `npm start` honours it; a deployed stage with its URL and a finance key), prints the result, and exits 1 when
 * the books do not balance (2 when the check could not be made).
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    // The local stack where `npm start` put it: PORT as it honours it.
    api: { type: 'string', default: process.env.OTC_API_URL ?? `http://127.0.0.1:${process.env.PORT || '3000'}` },
    key: { type: 'string', default: process.env.FINANCE_API_KEY ?? 'local-finance-key' },
    json: { type: 'boolean', default: false },
  },
});

interface LedgerCheck {
  balanced: boolean;
  debits: Record<string, string>;
  credits: Record<string, string>;
  receivablesControl: Record<string, string>;
  openItemsTotal: Record<string, string>;
  problems: string[];
}

async function main(): Promise<number> {
  const url = `${values.api.replace(/\/$/, '')}/reports/ledger-check`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'x-api-key': values.key }, signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    console.error(`Could not reach ${url}: ${(error as Error).message}. Is the product running (npm start), or is --api right?`);
    return 2;
  }
  if (response.status !== 200) {
    console.error(`${url} answered ${response.status}: ${await response.text()}`);
    return 2;
  }
  const check = (await response.json()) as LedgerCheck;
  if (values.json) {
    console.log(JSON.stringify(check, null, 2));
  } else {
    console.log(check.balanced ? 'Balanced.' : 'NOT balanced.');
    for (const currency of Object.keys(check.debits).sort()) {
      console.log(
        `  ${currency}: debits ${check.debits[currency]}, credits ${check.credits[currency]}, receivables control ${check.receivablesControl[currency]}, open items ${check.openItemsTotal[currency] ?? '0'}`,
      );
    }
    for (const problem of check.problems) console.log(`  problem: ${problem}`);
  }
  return check.balanced ? 0 : 1;
}

main().then((code) => process.exit(code));
