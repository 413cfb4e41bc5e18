/** GET /reports/ledger-check: debits = credits, and receivables control = sum of open balances. */
import { ledgerCheck } from '../../core/reports/ledger-check';
import type { CoreDeps } from '../../core/deps';
import { apiHandler } from '../../shared/http';
import { ledgerReader } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'ledger'>) {
  return apiHandler({}, async () => ({ statusCode: 200, body: await ledgerCheck(deps) }));
}

export const handler = makeHandler({ ledger: ledgerReader() });
