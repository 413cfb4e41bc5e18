/**
 * S3, locally: the `s3rver` emulator in-process on loopback, with the declared buckets, its objects
 * kept under the data folder. Reached through the same AWS SDK calls (`AWS_ENDPOINT_URL_S3`,
 * path-style addressing). s3rver accepts presigned (query) SigV4 requests without checking their
 * signature; so that a presigned URL behaves as on AWS (only for the method, key and length it was
 * signed for, and not after it expired, which s3rver checks itself on the one clock), the signature
 * of every presigned request is verified here first, as S3 computes it. Lifecycle rules are not
 * emulated: files handed in stay in the data folder.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);

interface KoaContext {
  method: string;
  path: string;
  querystring: string;
  status: number;
  body: unknown;
  type: string;
  get(header: string): string;
  set(header: string, value: string): void;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverInstance {
  middleware: Middleware[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

export interface LocalS3 {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface LocalS3Options {
  readonly host: string;
  readonly port: number;
  readonly directory: string;
  readonly buckets: readonly string[];
  /** The credentials the local SDK clients sign with (the only ones accepted). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const S3rver = require('s3rver') as S3rverConstructor;
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };
  DUMMY_ACCOUNT.createKeyPair(options.credentials.accessKeyId, options.credentials.secretAccessKey);
  const server = new S3rver({
    address: options.host,
    port: options.port,
    directory: options.directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  server.middleware.unshift(dateFromTheOneClock);
  server.middleware.splice(1, 0, presignedSignatureCheck((accessKeyId) => (accessKeyId === options.credentials.accessKeyId ? options.credentials.secretAccessKey : undefined)));
  const address = await server.run();
  return {
    endpoint: `http://${options.host}:${address.port}`,
    stop: () => server.close(),
  };
}

/**
 * Every answer's `Date` header is the one clock's "now", as S3's is the region's: the SDK corrects
 * its signing time by the skew it sees between that header and its own clock, and Node's HTTP
 * server would otherwise write the machine's time. Without this, after the local clock was moved,
 * the SDK would sign with the machine's time and s3rver (which reads the one clock) would refuse
 * every request as `RequestTimeTooSkewed`.
 */
const dateFromTheOneClock: Middleware = async (ctx, next) => {
  ctx.set('Date', new Date().toUTCString());
  try {
    await next();
  } finally {
    ctx.set('Date', new Date().toUTCString());
  }
};

/** RFC 3986 encoding, as SigV4 wants it. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * The signature S3 expects for a presigned (query-string) SigV4 request, from the request as it
 * arrived: method, path, every query parameter but the signature, the signed headers' values, and
 * `UNSIGNED-PAYLOAD` (or the hash the URL names).
 */
export function presignedSignature(request: { method: string; path: string; query: URLSearchParams; header: (name: string) => string }, secretAccessKey: string): string {
  const query = request.query;
  const amzDate = query.get('X-Amz-Date') ?? '';
  const scope = (query.get('X-Amz-Credential') ?? '').split('/').slice(1).join('/');
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  const canonicalQuery = [...query.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${request.header(name).trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [request.method, request.path, canonicalQuery, canonicalHeaders, signedHeaders.join(';'), query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const [date = '', region = '', service = '', terminal = ''] = scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), terminal);
  return hmac(key, stringToSign).toString('hex');
}

function presignedSignatureCheck(secretOf: (accessKeyId: string) => string | undefined): Middleware {
  return async (ctx, next) => {
    const query = new URLSearchParams(ctx.querystring);
    if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return next();
    const accessKeyId = (query.get('X-Amz-Credential') ?? '').split('/')[0] ?? '';
    const secret = secretOf(accessKeyId);
    const provided = Buffer.from(query.get('X-Amz-Signature') ?? '', 'utf8');
    const expected = secret === undefined ? undefined : Buffer.from(presignedSignature({ method: ctx.method, path: ctx.path, query, header: (name) => ctx.get(name) }, secret), 'utf8');
    if (expected && provided.length === expected.length && timingSafeEqual(provided, expected)) return next();
    ctx.status = 403;
    ctx.type = 'application/xml';
    ctx.body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message></Error>';
  };
}
