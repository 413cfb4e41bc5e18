/**
 * CORS for the configured console and portal origins (setting `corsAllowedOrigins`, given to every
 * function as `CORS_ALLOWED_ORIGINS`, a JSON list). A request from one of them gets its origin back
 * in `Access-Control-Allow-Origin`; any other origin gets nothing, so a browser refuses to hand the
 * answer to its page. The preflight (OPTIONS) is answered by API Gateway itself
 * (`lib/constructs/http-api.ts`), from the same list.
 */
import { CORS_ALLOWED_ORIGINS_ENV } from '../../lib/definitions/settings';

/** Headers a browser page may read besides the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS = ['location', 'idempotent-replayed', 'content-disposition'];

let cached: { text: string | undefined; origins: readonly string[] } | undefined;

function allowedOrigins(): readonly string[] {
  const text = process.env[CORS_ALLOWED_ORIGINS_ENV];
  if (cached && cached.text === text) return cached.origins;
  const parsed: unknown = text ? JSON.parse(text) : [];
  const origins = Array.isArray(parsed) ? parsed.filter((o): o is string => typeof o === 'string') : [];
  cached = { text, origins };
  return origins;
}

/** The CORS headers of an answer to a request from `origin` (none when it is not a configured origin). */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin || !allowedOrigins().includes(origin)) return {};
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(', '), vary: 'Origin' };
}
