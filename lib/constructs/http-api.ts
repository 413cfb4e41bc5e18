/**
 * The public HTTP API (v1) as an API Gateway REST API: one resource and method per entry of
 * `routes` (lib/definitions/routes.ts), each a Lambda proxy integration behind one request
 * authorizer. The authorizer reads the `x-api-key` header, looks the credential up and answers with
 * a policy allowing every route its role may call, so one cached answer serves all of that caller's
 * routes and one authorizer serves both roles.
 */
import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionId } from '../definitions/functions';
import { routes } from '../definitions/routes';
import { removalPolicyOf, resourceName, type DeploymentConfig } from './deployment-config';
import type { HandlerFunctions } from './handler-functions';

/** The header that carries the credential of a storefront or finance client. */
export const credentialHeader = 'x-api-key';

export interface HttpApiProps {
  readonly config: DeploymentConfig;
  readonly functions: HandlerFunctions;
}

export class HttpApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly authorizer: apigateway.RequestAuthorizer;

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

    const integrations = new Map<FunctionId, apigateway.LambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.functionId);
      if (!integration) {
        integration = new apigateway.LambdaIntegration(functions.function(route.functionId), { proxy: true, allowTestInvoke: false });
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

    this.addErrorResponses();

    Validations.of(this.api).acknowledge({
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

  /** Gateway-generated errors in the product's error shape `{"error": {"code", "message", "details"}}`. */
  private addErrorResponses(): void {
    const body = (code: string, message: string) => ({
      'application/json': `{"error":{"code":"${code}","message":${message},"details":[]}}`,
    });
    const fixed = (text: string) => JSON.stringify(text);
    const responses: [string, apigateway.ResponseType, string | undefined, Record<string, string>][] = [
      ['Unauthorized', apigateway.ResponseType.UNAUTHORIZED, '401', body('UNAUTHORIZED', fixed(`Missing or unknown ${credentialHeader} credential`))],
      ['AccessDenied', apigateway.ResponseType.ACCESS_DENIED, '403', body('FORBIDDEN', fixed('This credential may not call this route'))],
      ['UnknownRoute', apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', body('NOT_FOUND', fixed('No such route'))],
      ['Throttled', apigateway.ResponseType.THROTTLED, '429', body('THROTTLED', fixed('Too many requests'))],
      // API Gateway's own limit; each route's smaller one is answered by its function (lib/definitions/routes.ts).
      ['RequestTooLarge', apigateway.ResponseType.REQUEST_TOO_LARGE, '413', body('PAYLOAD_TOO_LARGE', fixed('The request body is larger than 10 MB, the most API Gateway accepts'))],
      ['BadRequestParameters', apigateway.ResponseType.BAD_REQUEST_PARAMETERS, '400', body('VALIDATION_FAILED', '$context.error.messageString')],
      ['Default4xx', apigateway.ResponseType.DEFAULT_4XX, undefined, body('BAD_REQUEST', '$context.error.messageString')],
      ['Default5xx', apigateway.ResponseType.DEFAULT_5XX, undefined, body('INTERNAL_ERROR', '$context.error.messageString')],
    ];
    for (const [id, type, statusCode, templates] of responses) {
      this.api.addGatewayResponse(id, { type, ...(statusCode ? { statusCode } : {}), templates });
    }
  }
}
