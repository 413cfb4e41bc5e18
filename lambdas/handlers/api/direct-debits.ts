/**
 * The one function of the SEPA routes (mandates, collection runs and files, returns, refunds and
 * on-account credit): each route's handler (`mandates.ts`, `start-collection-run.ts`,
 * `collection-files.ts`, `record-collection-returns.ts`, `refunds.ts`) behind one Lambda, chosen by
 * the route's resource. One function rather than five keeps the stack within CloudFormation's 500
 * resources (each function brings its role, policy, log group and invoke permission).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { routeOf } from '../../shared/request-rules';
import { collectionDeps, mandateDeps, refundDeps, returnDeps } from '../../shared/sepa-wiring';
import { idempotency } from '../../shared/wiring';
import { makeHandler as mandates } from './mandates';
import { makeHandler as collectionRun } from './start-collection-run';
import { makeHandler as collectionFiles } from './collection-files';
import { makeHandler as collectionReturns } from './record-collection-returns';
import { makeHandler as refunds } from './refunds';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface DirectDebitRouteHandlers {
  readonly mandates: Handler;
  readonly collectionRun: Handler;
  readonly collectionFiles: Handler;
  readonly collectionReturns: Handler;
  readonly refunds: Handler;
}

/** The handler of the route an event is for (by its resource; `/customers/{customerId}/credit/apply` and `/refunds...` are refunds). */
export function makeHandler(handlers: DirectDebitRouteHandlers): Handler {
  return async (event, context) => {
    const resource = routeOf(event.httpMethod, event.resource, event.path)?.path ?? event.resource ?? '';
    if (resource.startsWith('/customers/{customerId}/mandates')) return handlers.mandates(event, context);
    if (resource === '/collections/runs') return handlers.collectionRun(event, context);
    if (resource.startsWith('/collections/files')) return handlers.collectionFiles(event, context);
    if (resource === '/collections/returns') return handlers.collectionReturns(event, context);
    // /refunds..., /customers/{customerId}/credit/apply
    return handlers.refunds(event, context);
  };
}

const options = { idempotency: idempotency() };

export const handler = makeHandler({
  mandates: mandates(mandateDeps(), options) as Handler,
  collectionRun: collectionRun(collectionDeps(), options) as Handler,
  collectionFiles: collectionFiles(collectionDeps(), options) as Handler,
  collectionReturns: collectionReturns(returnDeps(), { ...options, rawBody: true }) as Handler,
  refunds: refunds(refundDeps(), options) as Handler,
});
