/** GET /remittances/{statementId}?limit=&cursor=: the statement, its progress and its lines' outcomes. */
import { getStatement, type RemittanceDeps } from '../../core/cash-application/remittances';
import { apiHandler } from '../../shared/http';
import { statementReader } from '../../shared/wiring';

export function makeHandler(deps: Pick<RemittanceDeps, 'statements'>) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await getStatement(deps, request.pathParameters.statementId ?? '', request.query) }));
}

export const handler = makeHandler({ statements: statementReader() });
