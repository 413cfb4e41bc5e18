/**
 * GET /customers/{customerId}/statement?from=&to=: the statement of account, JSON by default,
 * CSV on `Accept: text/csv`, PDF on `Accept: application/pdf`. Finance reads any customer's; a
 * customer (pay link) only its own (another is not found).
 */
import { statementCsv, statementOfAccount, statementPeriod, statementView } from '../../core/statements/statement-of-account';
import { renderStatementPdf } from '../../core/statements/statement-pdf';
import { maySeeCustomer } from '../../core/access/caller';
import { NotFoundError } from '../../core/errors';
import type { CoreDeps } from '../../core/deps';
import { apiHandler } from '../../shared/http';
import { csvResult, wantsCsv } from '../../shared/content-negotiation';
import { clock, coreSettings, customerStore, invoiceReader } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'customers' | 'invoices' | 'clock' | 'settings'>) {
  return apiHandler({}, async (request) => {
    const customerId = request.pathParameters.customerId ?? '';
    const customer = await deps.customers.get(customerId);
    if (!customer || !maySeeCustomer(request.caller, customer)) throw new NotFoundError('Customer', customerId);
    const period = statementPeriod({ ...(request.query.from ? { from: request.query.from } : {}), ...(request.query.to ? { to: request.query.to } : {}) }, deps.clock.now(), deps.settings.businessTimeZone);
    const statement = statementOfAccount(customer, await deps.invoices.allOfCustomer(customerId), period);
    const name = `statement-${customerId}-${period.from}-${period.to}`;
    if (wantsCsv(request)) return csvResult(statementCsv(statement), `${name}.csv`);
    if (/(^|,)\s*application\/pdf\s*(;|,|$)/i.test(request.headers.accept ?? '')) {
      const body = await renderStatementPdf(statement, customer.locale, deps.settings.seller, deps.clock.now());
      return { statusCode: 200, headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${name}.pdf"`, 'cache-control': 'private, no-cache' }, body };
    }
    return { statusCode: 200, body: statementView(statement) };
  });
}

export const handler = makeHandler({ customers: customerStore(), invoices: invoiceReader(), clock, settings: coreSettings() });
