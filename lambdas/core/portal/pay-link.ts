/**
 * Pay links: the personal link to a customer's portal page that every invoice email, reminder,
 * statement and invoice PDF carries. A link is its own credential (the customer role), so it is
 *
 * - signed: HMAC-SHA256 under the deployment's pay link secret (`PAY_LINK_SECRET`); changing one
 *   character of it, or making one up, gives a link that is refused;
 * - scoped to one customer: the customer id is inside the signed part;
 * - expiring: 90 days after issue by default (the `payLinkTtlDays` setting);
 * - revocable: finance revokes every link of a customer issued until now (the customer's
 *   `payLinksRevokedAt`); later messages carry fresh links that work again.
 *
 * The token is `pl1.<payload>.<signature>` (base64url), where the payload is the JSON
 * `{"c": customerId, "id": linkId, "iat": seconds, "exp": seconds}`. Every message gets a fresh one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const PAY_LINK_PREFIX = 'pl1.';
export const DEFAULT_PAY_LINK_TTL_DAYS = 90;
export const MIN_PAY_LINK_SECRET_LENGTH = 32;
/** The longest token accepted before any work is done on it. */
const MAX_TOKEN_LENGTH = 1024;

export interface PayLinkClaims {
  readonly customerId: string;
  readonly linkId: string;
  /** Issued at and expires at, ISO 8601 instants (second precision). */
  readonly issuedAt: string;
  readonly expiresAt: string;
}

/** Why a link is refused: the portal's refusal page says which. */
export type PayLinkRefusal = 'malformed' | 'forged' | 'expired' | 'revoked';

export type PayLinkCheck = { readonly ok: true; readonly claims: PayLinkClaims } | { readonly ok: false; readonly reason: PayLinkRefusal };

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`${PAY_LINK_PREFIX}${payload}`, 'utf8').digest('base64url');
}

function requireSecret(secret: string): void {
  if (secret.length < MIN_PAY_LINK_SECRET_LENGTH) throw new Error(`The pay link secret must be at least ${MIN_PAY_LINK_SECRET_LENGTH} characters`);
}

/** A fresh signed token for the customer, valid `ttlDays` from `now`. */
export function issuePayLinkToken(secret: string, input: { readonly customerId: string; readonly linkId: string; readonly now: Date; readonly ttlDays?: number }): string {
  requireSecret(secret);
  const ttlDays = input.ttlDays ?? DEFAULT_PAY_LINK_TTL_DAYS;
  if (!Number.isInteger(ttlDays) || ttlDays < 1 || ttlDays > 366) throw new Error(`A pay link lives 1 to 366 days, not ${ttlDays}`);
  const iat = Math.floor(input.now.getTime() / 1000);
  const payload = Buffer.from(JSON.stringify({ c: input.customerId, id: input.linkId, iat, exp: iat + ttlDays * 86_400 }), 'utf8').toString('base64url');
  return `${PAY_LINK_PREFIX}${payload}.${sign(secret, payload)}`;
}

/** The portal URL carrying the token in its fragment (never sent to a server, kept out of logs and Referer headers). */
export function payLinkUrl(portalUrl: string, token: string): string {
  return `${portalUrl.replace(/#.*$/, '')}#link=${token}`;
}

/** True when the value has the form of a pay link token (the authorizer tells it from an API key by this). */
export function looksLikePayLink(value: string): boolean {
  return value.startsWith(PAY_LINK_PREFIX);
}

/**
 * Checks a token: signature first (a forged token says nothing more), then expiry against `now`,
 * then revocation (`revokedAt`: every link of the customer issued at or before it is refused).
 */
export function verifyPayLinkToken(secret: string, token: string, now: Date, revokedAt?: (customerId: string) => string | null | undefined): PayLinkCheck {
  requireSecret(secret);
  if (token.length > MAX_TOKEN_LENGTH || !looksLikePayLink(token)) return { ok: false, reason: 'malformed' };
  const parts = token.slice(PAY_LINK_PREFIX.length).split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) return { ok: false, reason: 'malformed' };
  const [payload, signature] = parts as [string, string];
  // Compared as text: two encodings of the same bytes (base64url's unused low bits) are not the same link.
  const expected = Buffer.from(sign(secret, payload), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  let claims: { c?: unknown; id?: unknown; iat?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { c, id, iat, exp } = claims;
  if (typeof c !== 'string' || typeof id !== 'string' || !Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return { ok: false, reason: 'malformed' };
  const result: PayLinkClaims = { customerId: c, linkId: id, issuedAt: new Date((iat as number) * 1000).toISOString(), expiresAt: new Date((exp as number) * 1000).toISOString() };
  if (now.getTime() >= (exp as number) * 1000) return { ok: false, reason: 'expired' };
  const revoked = revokedAt?.(c);
  if (revoked && Date.parse(revoked) >= (iat as number) * 1000) return { ok: false, reason: 'revoked' };
  return { ok: true, claims: result };
}

/** Issues links for messages: the port the senders of invoices, reminders and statements use. */
export interface PayLinks {
  /** A fresh link to the customer's portal page (a URL). */
  linkFor(customerId: string): string;
}

/** The pay link issuer over the secret, the clock and the portal's address. */
export function payLinkIssuer(options: { readonly secret: string; readonly portalUrl: string; readonly ttlDays: number; readonly now: () => Date; readonly newId: () => string }): PayLinks {
  requireSecret(options.secret);
  return {
    linkFor: (customerId) => payLinkUrl(options.portalUrl, issuePayLinkToken(options.secret, { customerId, linkId: options.newId(), now: options.now(), ttlDays: options.ttlDays })),
  };
}
