/**
 * Pagination cursors are signed with a secret the stack generates: every function of a route
 * that takes a `cursor` gets it as CURSOR_SECRET (resolved from Secrets Manager at deploy time),
 * and no other function does.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/definitions/functions';
import { routes } from '../../lib/definitions/routes';
import { CURSOR_SECRET_ENV } from '../../lib/definitions/settings';
import { buildStack } from './fixture';

const dev = buildStack();
const paging = new Set(routes.filter((r) => r.query?.cursor).map((r) => r.functionId));

describe('the cursor secret', () => {
  it('is a generated Secrets Manager secret of the stage', () => {
    dev.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'order-to-cash-dev-CursorSecret',
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
    });
  });

  it('reaches exactly the functions of the routes that take a cursor, as a deploy-time reference to the secret', () => {
    const secretId = Object.keys(dev.template.findResources('AWS::SecretsManager::Secret'))[0]!;
    expect([...paging].sort()).toEqual(['DirectDebitsApi', 'GetStatement', 'ListAttentionWorklist', 'ListCustomers', 'ListInvoices', 'ListOrders', 'ListUnappliedPayments', 'UploadStatement']);
    for (const definition of functions) {
      const variables = (dev.resource(dev.functionLogicalId(definition.id)).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      if (!paging.has(definition.id)) {
        expect(variables[CURSOR_SECRET_ENV], definition.id).toBeUndefined();
        continue;
      }
      expect(JSON.stringify(variables[CURSOR_SECRET_ENV]), definition.id).toBe(
        JSON.stringify({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] }),
      );
    }
  });
});
