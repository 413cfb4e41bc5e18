/**
 * API Gateway, locally: an HTTP server on loopback built from the same route table as the CDK
 * API. Every request is authorized by the same authorizer function (401 without a valid key, 403
 * when the key's policy does not allow the route, evaluated by the same `policyAllows` with an
 * explicit deny winning), then handed to the route's Lambda as a REST API proxy event with the
 * authorizer's context. As on AWS, the authorizer's answer is cached per key for the authorizer
 * TTL (on the local clock), so a revoked key stops working when that has passed. The `/_local/`
 * routes exist only here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AUTHORIZER_CACHE_TTL_SECONDS, matchRoute } from '../lib/definitions/routes';
import { policyAllows } from '../lambdas/handlers/auth/route-policy';
import type { LocalClock } from './clock';
import type { LocalLambdas } from './lambda-runtime';
import { serveConsole } from './console';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './environment';

export interface LocalRouteHandler {
  (request: { method: string; path: string; query: URLSearchParams; body: string; headers: IncomingMessage['headers'] }): Promise<{ statusCode: number; body: unknown; headers?: Record<string, string> }>;
}

export interface GatewayOptions {
  readonly host: string;
  readonly port: number;
  readonly stage: string;
  readonly lambdas: LocalLambdas;
  readonly clock: LocalClock;
  /** The `/_local/...` routes: path after `/_local` -> handler; `open` ones need no credential. */
  readonly localRoutes: Readonly<Record<string, { handler: LocalRouteHandler; open?: boolean }>>;
  readonly maxBodyBytes?: number;
  /** The finance console's built files, served at `/console` without a credential. */
  readonly consoleDir?: string;
  /** How long an authorizer answer is kept per key, on the local clock (default: the deployed TTL; 0 = not kept). */
  readonly authorizerCacheTtlSeconds?: number;
}

const API_ID = 'local';

export class LocalGateway {
  private server: Server | undefined;
  url = '';
  /** Authorizer answers by key, until the local clock passes `expiresAt` (epoch ms). */
  private readonly authorizerCache = new Map<string, { result: APIGatewayAuthorizerResult; expiresAt: number }>();

  constructor(private readonly options: GatewayOptions) {}

  start(): Promise<string> {
    return new Promise((resolve, reject) => {
      const server = createServer((req, res) => {
        // API calls hold the clock busy so that a clock move waits for them; the /_local/ routes
        // do not (a clock move is one of them, and waits for everything else).
        const release = req.url?.startsWith('/_local') ? () => undefined : this.options.clock.busy();
        this.handle(req, res)
          .catch((error: unknown) => send(res, 500, { message: `Local gateway error: ${(error as Error).message}` }))
          .finally(release);
      });
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : this.options.port;
        this.url = `http://${this.options.host}:${port}`;
        this.server = server;
        resolve(this.url);
      });
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.options.consoleDir && serveConsole(req, res, this.options.consoleDir)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req, this.options.maxBodyBytes ?? 10 * 1024 * 1024);
    if (body === undefined) return send(res, 413, { message: 'Request Too Long' });
    const headers = flatHeaders(req);

    if (url.pathname === '/_local' || url.pathname.startsWith('/_local/')) {
      const local = this.options.localRoutes[`${method} ${url.pathname.slice('/_local'.length)}`];
      if (!local) return send(res, 404, { message: `No local route ${method} ${url.pathname}` });
      if (!local.open) {
        // The /_local/ routes are not part of the API: the credential's role decides, not the policy.
        const policy = await this.authorize(headers, `${method}${url.pathname}`);
        if (policy.denied) return send(res, policy.status, { message: policy.message });
        if (policy.role !== 'finance') return send(res, 403, { message: 'The /_local/ routes need the finance credential' });
      }
      const result = await local.handler({ method, path: url.pathname, query: url.searchParams, body, headers: req.headers });
      return send(res, result.statusCode, result.body, result.headers);
    }

    const match = matchRoute(method, url.pathname);
    if (!match.route) {
      // API Gateway answers an unknown resource or method with 403 "Missing Authentication Token".
      return send(res, 403, { message: 'Missing Authentication Token' });
    }
    const methodArn = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${API_ID}/${this.options.stage}/${method}${url.pathname}`;
    const auth = await this.authorize(headers, `${method}${url.pathname}`, methodArn, match.route.path);
    if (auth.denied) return send(res, auth.status, { message: auth.message });
    if (!auth.allowed) return send(res, 403, { message: 'User is not authorized to access this resource' });

    const query = Object.fromEntries(url.searchParams.entries());
    const event: APIGatewayProxyEvent = {
      resource: match.route.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: Object.keys(query).length ? query : null,
      multiValueQueryStringParameters: Object.keys(query).length ? Object.fromEntries([...url.searchParams.keys()].map((k) => [k, url.searchParams.getAll(k)])) : null,
      pathParameters: Object.keys(match.pathParameters).length ? match.pathParameters : null,
      stageVariables: null,
      body: body === '' ? null : body,
      isBase64Encoded: false,
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId: API_ID,
        stage: this.options.stage,
        httpMethod: method,
        path: `/${this.options.stage}${url.pathname}`,
        resourcePath: match.route.path,
        resourceId: match.route.path,
        protocol: 'HTTP/1.1',
        requestId: randomUUID(),
        requestTimeEpoch: Date.now(),
        authorizer: { principalId: auth.principalId, ...auth.context },
        identity: localIdentity(req.socket.remoteAddress ?? '127.0.0.1', headers['user-agent'] ?? null),
      },
    };
    let result: APIGatewayProxyResult;
    try {
      result = (await this.options.lambdas.invoke(match.route.functionId, event)) as APIGatewayProxyResult;
    } catch {
      // A function that throws gives API Gateway's own 502.
      return send(res, 502, { message: 'Internal server error' });
    }
    res.writeHead(result.statusCode, { ...(result.headers as Record<string, string> | undefined) });
    res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  }

  private async authorize(
    headers: Record<string, string>,
    what: string,
    methodArn = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${API_ID}/${this.options.stage}/${what}`,
    resourcePath = what,
  ): Promise<{ denied: true; status: number; message: string } | { denied: false; allowed: boolean; role: string; context: Record<string, unknown>; principalId: string }> {
    const apiKey = headers['x-api-key'];
    if (!apiKey) return { denied: true, status: 401, message: 'Unauthorized' };
    const now = this.options.clock.now().getTime();
    const cached = this.authorizerCache.get(apiKey);
    let result: APIGatewayAuthorizerResult;
    if (cached && cached.expiresAt > now) {
      result = cached.result;
    } else {
      this.authorizerCache.delete(apiKey);
      try {
        result = (await this.options.lambdas.invoke('Authorizer', {
          type: 'REQUEST',
          methodArn,
          resource: resourcePath,
          path: methodArn.split('/').slice(3).join('/'),
          httpMethod: what.split('/')[0],
          headers,
          queryStringParameters: {},
          pathParameters: {},
          stageVariables: {},
          requestContext: { accountId: LOCAL_ACCOUNT, apiId: API_ID, stage: this.options.stage },
        })) as APIGatewayAuthorizerResult;
      } catch (error) {
        // As API Gateway: only an answer (a policy) is cached, not a refusal.
        if ((error as Error).message === 'Unauthorized') return { denied: true, status: 401, message: 'Unauthorized' };
        return { denied: true, status: 500, message: 'AuthorizerConfigurationException' };
      }
      const ttl = this.options.authorizerCacheTtlSeconds ?? AUTHORIZER_CACHE_TTL_SECONDS;
      if (ttl > 0) this.authorizerCache.set(apiKey, { result, expiresAt: now + ttl * 1000 });
    }
    const allowed = policyAllows(result.policyDocument, methodArn);
    const context = { ...((result.context ?? {}) as Record<string, unknown>) };
    const role = String(context.role ?? '');
    return { denied: false, allowed, role, context, principalId: result.principalId };
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return headers;
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

function localIdentity(sourceIp: string, userAgent: string | null): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}
