/**
 * The public HTTP API (v1) as an API Gateway REST API: one resource and method per entry of
 * `routes` (lib/definitions/routes.ts), each a Lambda proxy integration behind one request
 * authorizer. The authorizer reads the `x-api-key` header, looks the credential up and answers with
 * a policy allowing every route its role may call, so one cached answer serves all of that caller's
 * routes and one authorizer serves both roles.
 */
import { CfnOutput, Duration, NestedStack, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionId } from '../definitions/functions';
import { routes } from '../definitions/routes';
import { removalPolicyOf, resourceName, type DeploymentConfig } from './deployment-config';
import type { HandlerFunctions } from './handler-functions';
import { PROBLEM_CONTENT_TYPE, problemTemplate } from '../../lambdas/shared/problem';
import { CORS_EXPOSED_HEADERS } from '../../lambdas/shared/cors';

/** The header that carries the credential of a storefront or finance client. */
export const credentialHeader = 'x-api-key';

export interface HttpApiProps {
  readonly config: DeploymentConfig;
  readonly functions: HandlerFunctions;
}

export class HttpApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly authorizer: apigateway.RequestAuthorizer;
  /** The role API Gateway invokes the functions with. */
  readonly invokeRole: iam.Role;
  /** The nested stack holding the API's resources and methods. */
  readonly routes: NestedStack;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const { config, functions } = props;
    const stage = config.settings.stage;

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${resourceName(config, 'Api')}/access`,
      retention: config.logRetention,
      removalPolicy: removalPolicyOf(config),
    });

    this.authorizer = new apigateway.RequestAuthorizer(this, 'Authorizer', {
      authorizerName: resourceName(config, 'ApiKeyAuthorizer'),
      handler: functions.function('Authorizer'),
      identitySources: [apigateway.IdentitySource.header(credentialHeader)],
      // The answer is cached per credential and must therefore cover all routes of the role; at most
      // 60 s (deployment-config checks it), so a revoked key stops working within a minute.
      resultsCacheTtl: Duration.seconds(config.authorizerCacheTtlSeconds),
    });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: resourceName(config, 'Api'),
      description: `Order-to-cash public HTTP API v1 (${stage})`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Lambda answers with isBase64Encoded bodies (the invoice PDF) are decoded only when the
      // request's Accept matches a binary media type; `*/*` covers callers that accept anything.
      // Request bodies then reach the handlers base64-encoded, which `lambdas/shared/http.ts` decodes.
      binaryMediaTypes: ['*/*'],
      cloudWatchRole: config.apiGatewayCloudWatchRole,
      // The CloudWatch role is an account-wide API Gateway setting other stages rely on too.
      ...(config.apiGatewayCloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName: stage,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Never log request or response bodies: they carry customer names, emails and IBANs.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: config.apiThrottleRateLimit,
        throttlingBurstLimit: config.apiThrottleBurstLimit,
      },
      defaultMethodOptions: { authorizer: this.authorizer, authorizationType: apigateway.AuthorizationType.CUSTOM },
    });

    // Bodies are validated by the handlers (one schema per message); the gateway checks path parameters.
    const parameterValidator = this.api.addRequestValidator('ParameterValidator', {
      requestValidatorName: resourceName(config, 'ParameterValidator'),
      validateRequestParameters: true,
      validateRequestBody: false,
    });

    // API Gateway calls the functions with one role of its own that may invoke exactly the API's
    // functions, instead of a resource policy on each function for each method (CDK's default): the
    // same calls allowed, and one resource in place of one per method (CloudFormation allows 500
    // resources per stack). Which caller may reach which route is the authorizer's decision.
    this.invokeRole = new iam.Role(this, 'InvokeFunctions', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: `API Gateway of ${resourceName(config, 'Api')}: invokes the API's functions`,
    });
    const apiFunctions = [...new Set(routes.map((r) => r.functionId))].map((id) => functions.function(id));
    this.invokeRole.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: apiFunctions.map((fn) => fn.functionArn) }));
    // Preflights of the configured console and portal origins are answered by the gateway (no
    // credential: browsers send none on OPTIONS); the functions add the origin to their answers. Only
    // the resources that have methods get one (a path in between is never called).
    const preflight: apigateway.CorsOptions | undefined = config.settings.corsAllowedOrigins.length
      ? {
          allowOrigins: [...config.settings.corsAllowedOrigins],
          allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
          allowHeaders: ['content-type', credentialHeader, 'idempotency-key', 'accept'],
          exposeHeaders: CORS_EXPOSED_HEADERS,
          maxAge: Duration.hours(1),
        }
      : undefined;
    // The resources and methods (about 300 with CORS) live in a nested stack of their own: CloudFormation
    // allows 500 resources per stack. Each first path segment is created there, so everything below it
    // is too; the methods still belong to this API (its deployment depends on them and redeploys when
    // they change), and the functions, role, authorizer and validator reach the nested stack as parameters.
    this.routes = new NestedStack(this, 'Routes', { description: `Order-to-cash API ${stage}: resources and methods of every route` });
    for (const segment of new Set(routes.map((r) => r.path.split('/')[1]!))) {
      new apigateway.Resource(this.routes, `Path-${segment.replace(/[^A-Za-z0-9]/g, '')}`, { parent: this.api.root, pathPart: segment });
    }
    if (preflight) for (const path of new Set(routes.map((r) => r.path))) this.api.root.resourceForPath(path).addCorsPreflight(preflight);
    const integrations = new Map<FunctionId, apigateway.Integration>();
    for (const route of routes) {
      let integration = integrations.get(route.functionId);
      if (!integration) {
        integration = new apigateway.AwsIntegration({
          proxy: true,
          service: 'lambda',
          path: `2015-03-31/functions/${functions.function(route.functionId).functionArn}/invocations`,
          options: { credentialsRole: this.invokeRole },
        });
        integrations.set(route.functionId, integration);
      }
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const method = this.api.root.resourceForPath(route.path).addMethod(route.method, integration, {
        operationName: route.functionId,
        // The payment provider's webhook carries no credential: its function verifies the provider's signature.
        ...(route.signedByProvider ? { authorizationType: apigateway.AuthorizationType.NONE } : { authorizer: this.authorizer, authorizationType: apigateway.AuthorizationType.CUSTOM }),
        requestValidator: parameterValidator,
        requestParameters: Object.fromEntries(pathParameters.map((name) => [`method.request.path.${name}`, true])),
      });
      if (route.signedByProvider) {
        for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
          Validations.of(method).acknowledge({
            id,
            reason: `${route.method} ${route.path} is called by the payment provider, which holds no API credential: the function accepts only bodies carrying the provider's signature (HMAC-SHA256 under the endpoint secret, within a 5-minute tolerance) and answers 400 otherwise.`,
          });
        }
      }
    }

    this.addErrorResponses(config.settings.corsAllowedOrigins);

    for (const scope of [this.api, this.routes]) Validations.of(scope).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Callers are storefront systems and finance tools holding an API credential, not Cognito users: ' +
        'every method uses the CUSTOM request authorizer, which checks the x-api-key credential against ' +
        'the ApiClients table and allows only the routes of its role.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'A WAFv2 web ACL is an account-level choice (managed rule groups, cost) attached per stage by the ' +
        'platform team; the API itself requires a credential on every route and is throttled per stage.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'The gateway validates path parameters (ParameterValidator on every method); bodies are validated ' +
        'by each handler against its message schema, which answers 400 with the product error shape naming ' +
        'the field. Gateway body models would duplicate those schemas and answer in another shape.',
    });
    if (config.settings.corsAllowedOrigins.length) {
      for (const scope of [this.api, this.routes]) Validations.of(scope).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Only the CORS preflight (OPTIONS) methods have no authorizer: browsers send no credential on a ' +
          'preflight, and the gateway answers it itself (mock integration) without reaching any function or data.',
      });
    }
    if (config.apiGatewayCloudWatchRole) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-wide role API Gateway uses to write execution and access logs; AWS maintains this ' +
          'service-role policy for exactly that purpose and API Gateway accepts no narrower resource scope.',
      });
    }

    new CfnOutput(this, 'ApiUrl', { key: 'ApiUrl', value: this.api.url, description: 'Base URL of the order-to-cash HTTP API' });
  }

  /**
   * Gateway-generated errors as the functions' ones: RFC 9457 problem documents keeping
   * `{"error": {"code", "message", "details"}}` (`lambdas/shared/problem.ts`). An unknown route
   * (API Gateway's "Missing Authentication Token") is a 404, a missing or unknown key a 401.
   */
  private addErrorResponses(origins: readonly string[]): void {
    const fixed = (text: string) => JSON.stringify(text);
    const responses: [string, apigateway.ResponseType, number | undefined, string, string][] = [
      ['Unauthorized', apigateway.ResponseType.UNAUTHORIZED, 401, 'UNAUTHORIZED', fixed(`Missing or unknown ${credentialHeader} credential`)],
      ['AccessDenied', apigateway.ResponseType.ACCESS_DENIED, 403, 'FORBIDDEN', fixed('This credential may not call this route')],
      ['UnknownRoute', apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, 404, 'NOT_FOUND', fixed('No such route')],
      ['ResourceNotFound', apigateway.ResponseType.RESOURCE_NOT_FOUND, 404, 'NOT_FOUND', fixed('No such route')],
      ['Throttled', apigateway.ResponseType.THROTTLED, 429, 'THROTTLED', fixed('Too many requests')],
      ['QuotaExceeded', apigateway.ResponseType.QUOTA_EXCEEDED, 429, 'THROTTLED', fixed('Too many requests')],
      ['UnsupportedMediaType', apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE, 415, 'UNSUPPORTED_MEDIA_TYPE', '$context.error.messageString'],
      // API Gateway's own limit; each route's smaller one is answered by its function (lib/definitions/routes.ts).
      ['RequestTooLarge', apigateway.ResponseType.REQUEST_TOO_LARGE, 413, 'PAYLOAD_TOO_LARGE', fixed('The request body is larger than 10 MB, the most API Gateway accepts')],
      ['BadRequestParameters', apigateway.ResponseType.BAD_REQUEST_PARAMETERS, 400, 'VALIDATION_FAILED', '$context.error.messageString'],
      ['IntegrationTimeout', apigateway.ResponseType.INTEGRATION_TIMEOUT, 504, 'INTERNAL', fixed('The request took too long; it is safe to retry with the same Idempotency-Key')],
      ['Default4xx', apigateway.ResponseType.DEFAULT_4XX, undefined, 'BAD_REQUEST', '$context.error.messageString'],
      ['Default5xx', apigateway.ResponseType.DEFAULT_5XX, undefined, 'INTERNAL_ERROR', '$context.error.messageString'],
    ];
    // A gateway response can only echo the request's origin, not pick it from a list: it carries
    // an error text and no data, and the functions' answers name only the configured origins.
    const cors = origins.length
      ? { 'Access-Control-Allow-Origin': origins.length === 1 ? `'${origins[0]}'` : 'method.request.header.origin', Vary: "'Origin'" }
      : undefined;
    for (const [id, type, statusCode, code, message] of responses) {
      this.api.addGatewayResponse(id, {
        type,
        ...(statusCode ? { statusCode: String(statusCode) } : {}),
        // The template is picked by the content type API Gateway generates the error in (JSON).
        templates: { 'application/json': problemTemplate(statusCode, code, message) },
        responseHeaders: { 'Content-Type': `'${PROBLEM_CONTENT_TYPE}'`, ...cors },
      });
    }
  }
}
