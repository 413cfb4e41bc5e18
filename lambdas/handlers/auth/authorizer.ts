/**
 * The API Gateway REQUEST authorizer for every route: looks up the `x-api-key` credential and
 * answers with a policy that allows exactly the routes its role (storefront or finance) may call
 * and denies the sub-routes those would otherwise reach (see `route-policy.ts`). The policy covers
 * all of the role's routes so API Gateway may cache it per key (at most 60 s, so a revoked key
 * stops working within a minute). The context tells the handlers who calls: `clientId`, `role`,
 * `scope` (`all` for finance, the client id for a storefront) and `clientName`.
 */
import type { APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult } from 'aws-lambda';
import { ApiClientStore, type ApiClient } from '../../adapters/dynamodb/api-client-store';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { scopeOf } from '../../core/access/caller';
import { tableName } from '../../shared/config';
import { logger, wrapHandler } from '../../shared/observability';
import { policyFor } from './route-policy';

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

export function makeHandler(credentials: CredentialLookup) {
  return wrapHandler(async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const apiKey = headers['x-api-key'];
    if (!apiKey) throw new UnauthorizedError();
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

export const handler = makeHandler(new ApiClientStore(documentClient(), tableName('ApiClients')));
