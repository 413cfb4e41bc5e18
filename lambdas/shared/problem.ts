/**
 * The API's one error document: RFC 9457 "problem details" (`application/problem+json` with
 * `type`, `title`, `status`, `detail`) that also keeps the product's `error` member
 * (`{"code", "message", "details"}`), so clients that read `error.code` and the field details go
 * on working. Written by `errorResponse` in `http.ts` for every function, by the local gateway for
 * what it refuses itself, and as API Gateway gateway-response templates on AWS
 * (`lib/constructs/http-api.ts`). Plain code: the CDK app and the local gateway import it too.
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem type of a code: a URN per code (RFC 9457 3.1.1 allows a non-resolvable URI); the codes are listed in the OpenAPI document. */
export function problemType(code: string): string {
  return `urn:problem-type:order-to-cash:${code.toLowerCase().replace(/_/g, '-')}`;
}

/** The same short summary for every occurrence of a type (RFC 9457 3.1.3): the code in words. */
export function problemTitle(code: string): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  /** Says what is wrong with this request; the same text as `error.message`. */
  readonly detail: string;
  readonly error: { readonly code: string; readonly message: string; readonly details: unknown };
}

export function problemDocument(status: number, code: string, message: string, details: unknown = []): ProblemDocument {
  return { type: problemType(code), title: problemTitle(code), status, detail: message, error: { code, message, details } };
}

/**
 * The same document as an API Gateway response template: `message` is a JSON-ready template
 * expression (a quoted fixed text, or `$context.error.messageString`, which API Gateway gives
 * quoted). A gateway response without a fixed status (DEFAULT_4XX, DEFAULT_5XX) leaves out the
 * `status` member, which RFC 9457 makes advisory: the HTTP status line carries it.
 */
export function problemTemplate(status: number | undefined, code: string, message: string): string {
  const statusMember = status === undefined ? '' : `"status":${status},`;
  return `{"type":"${problemType(code)}","title":"${problemTitle(code)}",${statusMember}"detail":${message},"error":{"code":"${code}","message":${message},"details":[]}}`;
}
