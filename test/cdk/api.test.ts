import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/definitions/routes';
import { asList, buildStack, getAttTarget, nestedTemplate, statementsOfRole } from './fixture';

const dev = buildStack();
type Res = { Properties: Record<string, unknown> };

/** The API's resources and methods: a nested stack of their own (500 resources per stack), read with the parent's values filled in. */
const routesTemplates = new Map<typeof dev, ReturnType<typeof nestedTemplate>>();
function routesTemplate(built: typeof dev): ReturnType<typeof nestedTemplate> {
  let found = routesTemplates.get(built);
  if (!found) routesTemplates.set(built, (found = nestedTemplate(built, built.stack.httpApi.routes)));
  return found;
}

/** Full path of every API Gateway resource, by logical id, from the PathPart/ParentId chain. */
function resourcePaths(built: typeof dev): Map<string, string> {
  const resources = routesTemplate(built).findResources('AWS::ApiGateway::Resource') as Record<string, Res>;
  const paths = new Map<string, string>();
  const pathOf = (logicalId: string): string => {
    const known = paths.get(logicalId);
    if (known) return known;
    const resource = resources[logicalId]!;
    const parent = resource.Properties.ParentId as { Ref?: string };
    const parentPath = parent.Ref ? pathOf(parent.Ref) : '';
    const full = `${parentPath}/${resource.Properties.PathPart as string}`;
    paths.set(logicalId, full);
    return full;
  };
  Object.keys(resources).forEach(pathOf);
  return paths;
}

function methodsByRoute(built: typeof dev): Map<string, Res> {
  const paths = resourcePaths(built);
  const methods = routesTemplate(built).findResources('AWS::ApiGateway::Method') as Record<string, Res>;
  const byRoute = new Map<string, Res>();
  for (const method of Object.values(methods)) {
    const resourceId = method.Properties.ResourceId as { Ref?: string };
    const routePath = resourceId.Ref ? paths.get(resourceId.Ref)! : '/';
    byRoute.set(`${method.Properties.HttpMethod as string} ${routePath}`, method);
  }
  return byRoute;
}

describe('HTTP API', () => {
  const authorizers = dev.template.findResources('AWS::ApiGateway::Authorizer');
  const [authorizerId] = Object.keys(authorizers);

  it('has one request authorizer on the x-api-key header, cached at most 60 s (a revoked key stops within a minute), backed by the Authorizer function', () => {
    expect(Object.keys(authorizers)).toHaveLength(1);
    dev.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.x-api-key',
      AuthorizerResultTtlInSeconds: 60,
    });
    expect(JSON.stringify((authorizers[authorizerId!] as Res).Properties.AuthorizerUri)).toContain(dev.functionLogicalId('Authorizer'));
  });

  it('has exactly the declared routes', () => {
    expect([...methodsByRoute(dev).keys()].sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  describe.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (key, route) => {
    it('is a Lambda proxy integration of its function behind the custom authorizer', () => {
      const method = methodsByRoute(dev).get(key)!;
      expect(method.Properties).toMatchObject({
        // The payment provider's webhook has no authorizer: its function checks the provider's signature.
        ...(route.signedByProvider ? { AuthorizationType: 'NONE' } : { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } }),
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
        RequestValidatorId: { Ref: expect.stringContaining('ParameterValidator') },
      });
      if (route.signedByProvider) expect(method.Properties.AuthorizerId).toBeUndefined();
      expect(JSON.stringify((method.Properties.Integration as { Uri: unknown }).Uri)).toContain(`"${dev.functionLogicalId(route.functionId)}"`);
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => `method.request.path.${m[1]}`);
      expect(Object.keys((method.Properties.RequestParameters as Record<string, boolean> | undefined) ?? {}).sort()).toEqual(pathParameters.sort());
    });

    it("API Gateway invokes the function with the API's invoke role, not through a permission on the function", () => {
      const method = methodsByRoute(dev).get(key)!;
      const credentials = (method.Properties.Integration as { Credentials?: unknown }).Credentials;
      expect(getAttTarget(credentials)).toMatch(/InvokeFunctions/);
      const permissions = dev.template.findResources('AWS::Lambda::Permission', {
        Properties: { FunctionName: { 'Fn::GetAtt': [dev.functionLogicalId(route.functionId), 'Arn'] }, Principal: 'apigateway.amazonaws.com' },
      }) as Record<string, Res>;
      expect(Object.keys(permissions)).toEqual(route.functionId === 'Authorizer' ? expect.any(Array) : []);
    });
  });

  it("has one invoke role API Gateway assumes, which may invoke exactly the API's functions", () => {
    const roles = dev.template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'apigateway.amazonaws.com' } }] } } });
    const invokeRoleId = Object.keys(roles).find((id) => id.includes('InvokeFunctions'))!;
    expect(invokeRoleId).toBeDefined();
    const statements = statementsOfRole(dev.template, invokeRoleId);
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toBe('lambda:InvokeFunction');
    const resources = asList(statements[0]!.Resource).map((r) => getAttTarget(r));
    const expected = [...new Set(routes.map((r) => r.functionId))].map((id) => dev.functionLogicalId(id));
    expect(resources.sort()).toEqual(expected.sort());
  });

  it('deploys a stage named after the stage, with access logs, throttling and no data trace', () => {
    dev.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] }, Format: Match.anyValue() },
      MethodSettings: [
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, DataTraceEnabled: false, LoggingLevel: 'ERROR' }),
      ],
    });
  });

  it('takes a shorter authorizer cache from context, and refuses one over 60 s naming the setting', () => {
    const short = buildStack({ authorizerCacheTtlSeconds: '15' });
    short.template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 15 });
    expect(() => buildStack({ authorizerCacheTtlSeconds: 300 })).toThrow(/Context "authorizerCacheTtlSeconds" must be a whole number of seconds from 0 to 60/);
    expect(() => buildStack({ authorizerCacheTtlSeconds: '61' })).toThrow(/authorizerCacheTtlSeconds/);
  });

  it('throttling comes from context', () => {
    const throttled = buildStack({ apiThrottleRateLimit: '7', apiThrottleBurstLimit: '9' });
    throttled.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 })],
    });
  });

  it('answers gateway errors as RFC 9457 problem documents keeping the product error shape; an unknown route is a 404', () => {
    const responses = dev.template.findResources('AWS::ApiGateway::GatewayResponse') as Record<string, Res>;
    const byType = new Map(Object.values(responses).map((r) => [r.Properties.ResponseType as string, r.Properties]));
    expect(byType.get('UNAUTHORIZED')).toMatchObject({ StatusCode: '401' });
    expect(byType.get('ACCESS_DENIED')).toMatchObject({ StatusCode: '403' });
    expect(byType.get('MISSING_AUTHENTICATION_TOKEN')).toMatchObject({ StatusCode: '404' });
    expect(byType.get('REQUEST_TOO_LARGE')).toMatchObject({
      StatusCode: '413',
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
      ResponseTemplates: {
        'application/json':
          '{"type":"urn:problem-type:order-to-cash:payload-too-large","title":"Payload too large","status":413,"detail":"The request body is larger than 10 MB, the most API Gateway accepts","error":{"code":"PAYLOAD_TOO_LARGE","message":"The request body is larger than 10 MB, the most API Gateway accepts","details":[]}}',
      },
    });
    for (const properties of byType.values()) {
      const template = (properties.ResponseTemplates as Record<string, string>)['application/json']!;
      expect(template).toMatch(/^\{"type":"urn:problem-type:order-to-cash:[a-z-]+","title":"[A-Z][a-z ]+",("status":\d{3},)?"detail":.+,"error":\{"code":"[A-Z_]+","message":.+,"details":\[\]\}\}$/);
      // Every fixed text is valid JSON once API Gateway fills in the one variable.
      expect(() => JSON.parse(template.replaceAll('$context.error.messageString', '"x"'))).not.toThrow();
    }
  });

  it('answers CORS for the configured origins only: gateway preflights, no CORS without origins', () => {
    expect(Object.keys(routesTemplate(dev).findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } }))).toHaveLength(0);
    const withOrigins = buildStack({ corsAllowedOrigins: 'https://console.example.com,https://portal.example.com' });
    const options = Object.values(routesTemplate(withOrigins).findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } })) as Res[];
    expect(options.length).toBeGreaterThan(10);
    const integration = JSON.stringify(options[0]!.Properties.Integration);
    expect(integration).toContain('https://console.example.com');
    expect(integration).toContain('https://portal.example.com');
    expect(options[0]!.Properties.AuthorizationType).toBe('NONE');
    const unauthorized = Object.values(withOrigins.template.findResources('AWS::ApiGateway::GatewayResponse') as Record<string, Res>).find((r) => r.Properties.ResponseType === 'UNAUTHORIZED')!;
    expect(unauthorized.Properties.ResponseParameters).toMatchObject({ 'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.origin' });
    expect(() => buildStack({ corsAllowedOrigins: 'https://console.example.com/path' })).toThrow(/corsAllowedOrigins/);
  });

  it('outputs the API URL', () => {
    dev.template.hasOutput('ApiUrl', { Value: Match.anyValue() });
  });
});
