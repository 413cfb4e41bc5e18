/**
 * The API Gateway REQUEST authorizer for every route: looks up the `x-api-key` credential and
 * answers with a policy that allows exactly the routes its role (storefront or finance) may call.
 * The policy covers all of the role's routes so API Gateway may cache it per key.
 */
import type { APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult } from 'aws-lambda';
import { routes, type Role } from '../../../lib/definitions/routes';
import { ApiClientStore } from '../../adapters/dynamodb/api-client-store';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { tableName } from '../../shared/config';
import { logger, wrapHandler } from '../../shared/observability';

export interface CredentialLookup {
  find(apiKey: string): Promise<{ clientName: string; role: Role } | undefined>;
}

/** `arn:aws:execute-api:region:account:apiId/stage/GET/orders/x` -> `arn:...:apiId/stage`. */
export function stageArn(methodArn: string): string {
  const [apiArn, stage] = methodArn.split('/');
  return `${apiArn}/${stage}`;
}

/** The execute-api resources the role may call, with `*` for path parameters. */
export function allowedResources(methodArn: string, role: Role): string[] {
  const base = stageArn(methodArn);
  return routes.filter((r) => r.access.includes(role)).map((r) => `${base}/${r.method}${r.path.replace(/\{[^}]+\}/g, '*')}`);
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
      logger.info('Unknown API key');
      throw new UnauthorizedError();
    }
    return {
      principalId: client.clientName,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: allowedResources(event.methodArn, client.role) }],
      },
      context: { role: client.role, clientName: client.clientName },
    };
  });
}

export const handler = makeHandler(new ApiClientStore(documentClient(), tableName('ApiClients')));
