/**
 * GET /reports/ledger-check: debits = credits, and receivables control = sum of open balances. The
 * same function serves the ledger's routes for the ERP (`ledger-journals.ts`: journal export, periods).
 */
import { ledgerCheck } from '../../core/reports/ledger-check';
import type { CoreDeps } from '../../core/deps';
import type { JournalDeps } from '../../core/journals/journals';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { idempotency, ledgerReader } from '../../shared/wiring';
import { journalDeps } from '../../shared/journal-wiring';
import { journalRoutes } from './ledger-journals';

export function makeHandler(deps: Pick<CoreDeps, 'ledger'> & { journals?: JournalDeps }, options: ApiHandlerOptions = {}) {
  const journals = deps.journals ? journalRoutes(deps.journals) : undefined;
  return apiHandler(options, async (request) => {
    if (request.resource.startsWith('/ledger/')) {
      if (!journals) throw new Error('The ledger check was built without the journal routes');
      return journals(request);
    }
    return { statusCode: 200, body: await ledgerCheck(deps) };
  });
}

export const handler = makeHandler({ ledger: ledgerReader(), journals: journalDeps() }, { idempotency: idempotency() });
