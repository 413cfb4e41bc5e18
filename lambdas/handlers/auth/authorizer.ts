/**
 * The API Gateway REQUEST authorizer for every route: looks up the `x-api-key` credential and
 * answers with a policy that allows exactly the routes its role (storefront or finance) may call
 * and denies the sub-routes those would otherwise reach (see `route-policy.ts`). The policy covers
 * all of the role's routes so API Gateway may cache it per key (at most 60 s, so a revoked key
 * stops working within a minute). The context tells the handlers who calls: `clientId`, `role`,
 * `scope` (`all` for finance, the client id for a storefront) and `clientName`.
 *
 * A customer's pay link (`pl1.` ...) is a credential too, sent in the same header by the portal
 * page: signed, not expired and not revoked (the customer's `payLinksRevokedAt`), it is the
 * `customer` role for that one customer (`customerId` in the context), allowed the portal routes only.
 */
import type { APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult } from 'aws-lambda';
import { ApiClientStore, type ApiClient } from '../../adapters/dynamodb/api-client-store';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { scopeOf } from '../../core/access/caller';
import { tableName } from '../../shared/config';
import { logger, wrapHandler } from '../../shared/observability';
import { policyFor } from './route-policy';
import { looksLikePayLink, verifyPayLinkToken } from '../../core/portal/pay-link';
import type { Clock } from '../../core/time/clock';
import type { CustomerStore } from '../../core/ports';
import { clock as systemClock, customerStore } from '../../shared/wiring';
import { payLinkSecret } from '../../shared/portal-wiring';

export { allowedResources, deniedResources, policyFor, stageArn } from './route-policy';

export interface CredentialLookup {
  find(apiKey: string): Promise<ApiClient | undefined>;
}

export class UnauthorizedError extends Error {
  constructor() {
    // API Gateway answers 401 when a REQUEST authorizer throws exactly "Unauthorized".
    super('Unauthorized');
    this.name = 'UnauthorizedError';
  }
}

/** What checks a pay link: the secret, the clock and the customers (their revocation time). */
export interface PayLinkCheckDeps {
  readonly secret: () => string;
  readonly clock: Clock;
  readonly customers: Pick<CustomerStore, 'get'>;
}

export function makeHandler(credentials: CredentialLookup, payLinks?: PayLinkCheckDeps) {
  return wrapHandler(async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const apiKey = headers['x-api-key'];
    if (!apiKey) throw new UnauthorizedError();
    if (payLinks && looksLikePayLink(apiKey)) return payLinkPolicy(event, apiKey, payLinks);
    const client = await credentials.find(apiKey);
    if (!client) {
      logger.info('Unknown or revoked API key');
      throw new UnauthorizedError();
    }
    return {
      principalId: client.clientId,
      policyDocument: policyFor(event.methodArn, client.role),
      context: { clientId: client.clientId, role: client.role, scope: scopeOf(client), clientName: client.clientName },
    };
  });
}

async function payLinkPolicy(event: APIGatewayRequestAuthorizerEvent, token: string, deps: PayLinkCheckDeps): Promise<APIGatewayAuthorizerResult> {
  const now = deps.clock.now();
  const signed = verifyPayLinkToken(deps.secret(), token, now);
  if (!signed.ok) {
    logger.info('Pay link refused', { reason: signed.reason });
    throw new UnauthorizedError();
  }
  const customer = await deps.customers.get(signed.claims.customerId);
  const checked = verifyPayLinkToken(deps.secret(), token, now, () => customer?.payLinksRevokedAt);
  if (!customer || !checked.ok) {
    logger.info('Pay link refused', { reason: customer ? (checked.ok ? 'unknown' : checked.reason) : 'no such customer' });
    throw new UnauthorizedError();
  }
  const caller = { clientId: `paylink:${signed.claims.linkId}`, role: 'customer' as const, customerId: customer.customerId };
  return {
    principalId: caller.clientId,
    policyDocument: policyFor(event.methodArn, 'customer'),
    context: { clientId: caller.clientId, role: caller.role, scope: scopeOf(caller), clientName: `customer ${customer.customerId}`, customerId: customer.customerId },
  };
}

// The customers are read only for a pay link (made when first needed: an API key needs no Customers table).
let customers: ReturnType<typeof customerStore> | undefined;
export const handler = makeHandler(new ApiClientStore(documentClient(), tableName('ApiClients')), {
  secret: payLinkSecret,
  clock: systemClock,
  customers: { get: (customerId) => (customers ??= customerStore()).get(customerId) },
});
