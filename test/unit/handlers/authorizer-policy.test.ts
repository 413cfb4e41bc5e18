import { describe, expect, it } from 'vitest';
import { routes } from '../../../lib/definitions/routes';

process.env.API_CLIENTS_TABLE ??= 'ApiClients';
process.env.AWS_REGION ??= 'eu-west-1';
const { allowedResources, stageArn } = await import('../../../lambdas/handlers/auth/authorizer');

const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/PUT/customers/C-1';

describe('the authorizer policy', () => {
  it('is scoped to the API and stage of the call', () => {
    expect(stageArn(methodArn)).toBe('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod');
  });

  it('allows exactly the routes of the role, with * for path parameters', () => {
    const storefront = allowedResources(methodArn, 'storefront');
    expect(storefront).toContain('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/PUT/customers/*');
    expect(storefront).toContain('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/orders');
    expect(storefront).not.toContain('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/reports/ledger-check');
    expect(storefront).toHaveLength(routes.filter((r) => r.access.includes('storefront')).length);
    const finance = allowedResources(methodArn, 'finance');
    expect(finance).toContain('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/reports/ledger-check');
    expect(finance).not.toContain('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/orders');
  });
});
