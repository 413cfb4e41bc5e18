/**
 * API Gateway, locally: an HTTP server on loopback built from the same route table as the CDK
 * API. Every request is authorized by the same authorizer function (401 without a valid key, 403
 * when the key's policy does not allow the route, evaluated by the same `policyAllows` with an
 * explicit deny winning), then handed to the route's Lambda as a REST API proxy event with the
 * authorizer's context. As on AWS, the authorizer's answer is cached per key for the authorizer
 * TTL (on the local clock), so a revoked key stops working when that has passed. The `/_local/`
 * routes exist only here. It listens on loopback only.
 *
 * Like API Gateway it refuses what it cannot hand over: a body over 10 MB (413), a path or query
 * whose percent-encoding is broken (400 naming the parameter); everything else about a request is
 * the function's to judge (`lambdas/shared/request-rules.ts`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AUTHORIZER_CACHE_TTL_SECONDS, BODY_LIMITS, matchRoute, percentDecode } from '../lib/definitions/routes';
import { policyAllows } from '../lambdas/handlers/auth/route-policy';
import type { LocalClock } from './clock';
import type { LocalLambdas } from './lambda-runtime';
import { PORTAL_PAGE, serveConsole } from './console';
import { closeServer, listen } from './ports';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './environment';
import { PROBLEM_CONTENT_TYPE, problemDocument } from '../lambdas/shared/problem';

export interface LocalRouteHandler {
  (request: { method: string; path: string; query: URLSearchParams; body: string; headers: IncomingMessage['headers'] }): Promise<{ statusCode: number; body: unknown; headers?: Record<string, string> }>;
}

export interface GatewayOptions {
  /** A loopback address: 127.0.0.1 (or ::1). */
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
  /** Runs the handling of each request: the usage meter of `npm run bench:cost` counts API requests and what they cause. */
  readonly meterRequest?: (url: string, headers: IncomingMessage['headers'], work: () => Promise<void>) => Promise<void>;
  /** The customer portal's built files, served at `/pay` without a credential (the page's pay link is its credential). */
  readonly portalDir?: string;
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
    if (!isLoopback(this.options.host)) return Promise.reject(new Error(`The local gateway listens on loopback only, not ${this.options.host}`));
    const server = createServer((req, res) => {
      // API calls hold the clock busy so that a clock move waits for them; the /_local/ routes
      // do not (a clock move is one of them, and waits for everything else).
      const release = req.url?.startsWith('/_local') ? () => undefined : this.options.clock.busy();
      const meter = this.options.meterRequest;
      (meter ? meter(req.url ?? '/', req.headers, () => this.handle(req, res)) : this.handle(req, res))
        .catch((error: unknown) => send(res, 500, productError(500, 'INTERNAL_ERROR', `Local gateway error: ${(error as Error).message}`)))
        .finally(release);
    });
    return listen(server, this.options.host, this.options.port).then((url) => {
      this.url = url;
      this.server = server;
      return url;
    });
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.options.consoleDir && serveConsole(req, res, this.options.consoleDir)) return;
    if (this.options.portalDir && serveConsole(req, res, this.options.portalDir, PORTAL_PAGE)) return;
    // The request target as sent, split by hand: `new URL` would throw on some targets and tidy others.
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const pathname = (queryAt < 0 ? target : target.slice(0, queryAt)).replace(/#.*$/, '') || '/';
    const rawQuery = queryAt < 0 ? '' : target.slice(queryAt + 1).replace(/#.*$/, '');
    const method = (req.method ?? 'GET').toUpperCase();
    const limit = this.options.maxBodyBytes ?? BODY_LIMITS.gateway;
    const bytes = await readBody(req, limit);
    const body = bytes?.toString('utf8');
    if (bytes === undefined || body === undefined) {
      return send(res, 413, productError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limit.toLocaleString('en-US')} bytes (10 MB), the most API Gateway accepts`), { connection: 'close' });
    }
    const headers = flatHeaders(req);
    const query = parseQuery(rawQuery);
    if (query.undecodable.length) return send(res, 400, badEncoding(query.undecodable));

    if (pathname === '/_local' || pathname.startsWith('/_local/')) {
      const local = this.options.localRoutes[`${method} ${pathname.slice('/_local'.length)}`];
      if (!local) return send(res, 404, productError(404, 'NOT_FOUND', `No local route ${method} ${pathname.slice(0, 100)}`));
      if (!local.open) {
        // The /_local/ routes are not part of the API: the credential's role decides, not the policy.
        const policy = await this.authorize(headers, `${method}${pathname}`);
        if (policy.denied) return send(res, policy.status, productError(policy.status, policy.code, policy.message));
        if (policy.role !== 'finance') return send(res, 403, productError(403, 'FORBIDDEN', 'The /_local/ routes need the finance credential'));
      }
      const result = await local.handler({ method, path: pathname, query: new URLSearchParams(rawQuery), body, headers: req.headers });
      return send(res, result.statusCode, result.body, result.headers);
    }

    const match = matchRoute(method, pathname);
    if (!match.route) {
      if (pathname.split('/').some((segment) => percentDecode(segment) === undefined)) return send(res, 400, badEncoding(['(path)']));
      // API Gateway's "Missing Authentication Token" for an unknown resource or method, as the
      // stack's gateway response answers it: a 404 (lib/constructs/http-api.ts).
      return send(res, 404, productError(404, 'NOT_FOUND', 'No such route'));
    }
    if (match.undecodable.length) return send(res, 400, badEncoding(match.undecodable));
    const methodArn = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${API_ID}/${this.options.stage}/${method}${pathname}`;
    // A route the payment provider calls has no authorizer (as on AWS): its function checks the provider's signature.
    const auth = match.route.signedByProvider
      ? ({ denied: false, allowed: true, role: '', context: {}, principalId: 'payment-provider' } as const)
      : await this.authorize(headers, `${method}${pathname}`, methodArn, match.route.path);
    if (auth.denied) return send(res, auth.status, productError(auth.status, auth.code, auth.message));
    if (!auth.allowed) return send(res, 403, productError(403, 'FORBIDDEN', 'This credential may not call this route'));

    const event: APIGatewayProxyEvent = {
      resource: match.route.path,
      path: pathname,
      httpMethod: method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: Object.keys(query.last).length ? query.last : null,
      multiValueQueryStringParameters: Object.keys(query.all).length ? query.all : null,
      pathParameters: Object.keys(match.pathParameters).length ? match.pathParameters : null,
      stageVariables: null,
      // A PDF (a remittance advice) arrives base64-encoded, as the stack's binaryMediaTypes hand it over on AWS.
      ...(isPdf(headers) && bytes.length > 0 ? { body: bytes.toString('base64'), isBase64Encoded: true } : { body: body === '' ? null : body, isBase64Encoded: false }),
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId: API_ID,
        stage: this.options.stage,
        httpMethod: method,
        path: `/${this.options.stage}${pathname}`,
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
      // A function that throws gives API Gateway's 502 (DEFAULT_5XX in the stack's gateway responses).
      return send(res, 502, productError(502, 'INTERNAL_ERROR', 'Internal server error'));
    }
    res.writeHead(result.statusCode, { ...(result.headers as Record<string, string> | undefined) });
    res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  }

  private async authorize(
    headers: Record<string, string>,
    what: string,
    methodArn = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${API_ID}/${this.options.stage}/${what}`,
    resourcePath = what,
  ): Promise<{ denied: true; status: number; code: string; message: string } | { denied: false; allowed: boolean; role: string; context: Record<string, unknown>; principalId: string }> {
    const apiKey = headers['x-api-key'];
    if (!apiKey) return UNAUTHORIZED;
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
        if ((error as Error).message === 'Unauthorized') return UNAUTHORIZED;
        return { denied: true, status: 500, code: 'INTERNAL_ERROR', message: 'AuthorizerConfigurationException' };
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

/** IAM-style match of an execute-api ARN pattern with `*` wildcards against a method ARN. */
export function arnMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(arn);
}

/** 127.0.0.0/8, ::1 or `localhost`. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** What the stack's gateway responses answer (lib/constructs/http-api.ts), in the functions' error document. */
function productError(status: number, code: string, message: string, details: unknown[] = []) {
  return problemDocument(status, code, message, details);
}

const UNAUTHORIZED = { denied: true, status: 401, code: 'UNAUTHORIZED', message: 'Missing or unknown x-api-key credential' } as const;

const ENCODING_PROBLEM = 'is not valid percent-encoding (each % must start %XX with two hexadecimal digits, and the bytes must be UTF-8)';

function badEncoding(fields: readonly string[]) {
  const details = fields.map((field) => ({ field, problem: ENCODING_PROBLEM }));
  return productError(400, 'VALIDATION_FAILED', details.map((d) => `${d.field}: ${d.problem}`).join('; '), details);
}

/**
 * A query string as API Gateway hands it to a function: `+` is a space, names and values are
 * percent-decoded, the last of a repeated name in `last` and all of them in `all`. A name or value
 * whose percent-encoding is broken is named in `undecodable` (as far as it can be read).
 */
export function parseQuery(raw: string): { last: Record<string, string>; all: Record<string, string[]>; undecodable: string[] } {
  const last: Record<string, string> = {};
  const all: Record<string, string[]> = {};
  const undecodable: string[] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = (eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' ');
    const rawValue = (eq < 0 ? '' : part.slice(eq + 1)).replace(/\+/g, ' ');
    const name = percentDecode(rawName);
    const value = percentDecode(rawValue);
    if (name === undefined || value === undefined) {
      const shown = (name ?? rawName).slice(0, 40);
      if (!undecodable.includes(shown)) undecodable.push(shown);
      continue;
    }
    Object.defineProperty(last, name, { value, enumerable: true, writable: true, configurable: true });
    if (!Object.hasOwn(all, name)) Object.defineProperty(all, name, { value: [], enumerable: true, writable: true, configurable: true });
    all[name]!.push(value);
  }
  return { last, all, undecodable };
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return headers;
}

/** Whether the request's body is a PDF (handed to the function as bytes, base64-encoded). */
function isPdf(headers: Record<string, string | undefined>): boolean {
  return /^application\/pdf\b/i.test(headers['content-type'] ?? '');
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8';
  res.writeHead(status, { 'content-type': type, ...headers });
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
