/**
 * SEPA direct debits in an ordinary bank statement (`POST /remittances`): the cash application
 * port `StatementDirectDebits`, built from the SEPA use cases so a statement takes the same paths
 * as the SEPA routes: collections read with their collection files (`collection-credits.ts`), and
 * returned collections recorded by the one return path of `POST /collections/returns`
 * (`returns.ts`), each once whichever route or file brings it.
 */
import type { StatementDirectDebits } from '../cash-application/remittances';
import { readCollectionCredits, type CollectionCreditDeps } from './collection-credits';
import { recordReturnedCollections, returnsInStatement, type ReturnDeps } from './returns';

export function statementDirectDebits(deps: CollectionCreditDeps & ReturnDeps): StatementDirectDebits {
  return {
    collectionCredits: (lines) => readCollectionCredits(deps, lines),
    async recordReturns(file) {
      const results = await recordReturnedCollections(deps, returnsInStatement(file));
      return results.map((r) => ({ endToEndId: r.endToEndId, reasonCode: r.reasonCode, outcome: r.outcome, invoiceId: r.invoiceId }));
    },
  };
}
