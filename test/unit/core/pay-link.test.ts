import { describe, expect, it } from 'vitest';
import { issuePayLinkToken, payLinkIssuer, payLinkUrl, verifyPayLinkToken, looksLikePayLink, DEFAULT_PAY_LINK_TTL_DAYS } from '../../../lambdas/core/portal/pay-link';

const SECRET = 's'.repeat(48);
const NOW = new Date('2026-12-01T10:00:00Z');
const DAY = 86_400_000;
const token = (overrides: Partial<Parameters<typeof issuePayLinkToken>[1]> = {}) => issuePayLinkToken(SECRET, { customerId: 'cust-1', linkId: 'link-1', now: NOW, ...overrides });

describe('pay links', () => {
  it('carries the customer, its id and its life, and verifies under the same secret', () => {
    const check = verifyPayLinkToken(SECRET, token(), new Date(NOW.getTime() + 1000));
    expect(check).toEqual({ ok: true, claims: { customerId: 'cust-1', linkId: 'link-1', issuedAt: '2026-12-01T10:00:00.000Z', expiresAt: '2027-03-01T10:00:00.000Z' } });
    expect(DEFAULT_PAY_LINK_TTL_DAYS).toBe(90);
  });

  it('refuses a link signed with another secret, or changed anywhere', () => {
    expect(verifyPayLinkToken('t'.repeat(48), token(), NOW)).toEqual({ ok: false, reason: 'forged' });
    const [prefix, payload, signature] = token().split('.') as [string, string, string];
    const otherCustomer = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), c: 'cust-2' })).toString('base64url');
    expect(verifyPayLinkToken(SECRET, `${prefix}.${otherCustomer}.${signature}`, NOW)).toEqual({ ok: false, reason: 'forged' });
    const longer = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), exp: 4_000_000_000 })).toString('base64url');
    expect(verifyPayLinkToken(SECRET, `${prefix}.${longer}.${signature}`, NOW)).toEqual({ ok: false, reason: 'forged' });
    // Every one-character change of the signature, also in base64url's unused low bits of the last character.
    for (const at of [0, 10, signature.length - 1]) {
      const changed = signature.slice(0, at) + (signature[at] === 'A' ? 'B' : 'A') + signature.slice(at + 1);
      expect(verifyPayLinkToken(SECRET, `${prefix}.${payload}.${changed}`, NOW)).toEqual({ ok: false, reason: 'forged' });
    }
  });

  it('refuses what is not a link before any signature work', () => {
    for (const bad of ['', 'pl1.', 'pl1.a', 'pl1.a.b.c', 'pl2.a.b', 'local-finance-key', `pl1.${'a'.repeat(2000)}.b`, 'pl1.a+b.c']) {
      expect(verifyPayLinkToken(SECRET, bad, NOW), bad.slice(0, 20)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(looksLikePayLink('local-finance-key')).toBe(false);
    expect(looksLikePayLink(token())).toBe(true);
  });

  it('refuses a correctly signed payload without the claims', async () => {
    const { createHmac } = await import('node:crypto');
    const payload = Buffer.from(JSON.stringify({ c: 'cust-1' })).toString('base64url');
    const signature = createHmac('sha256', SECRET).update(`pl1.${payload}`).digest('base64url');
    expect(verifyPayLinkToken(SECRET, `pl1.${payload}.${signature}`, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('expires after its days (90 by default, configurable)', () => {
    expect(verifyPayLinkToken(SECRET, token(), new Date(NOW.getTime() + 90 * DAY - 1000)).ok).toBe(true);
    expect(verifyPayLinkToken(SECRET, token(), new Date(NOW.getTime() + 90 * DAY))).toEqual({ ok: false, reason: 'expired' });
    expect(verifyPayLinkToken(SECRET, token({ ttlDays: 7 }), new Date(NOW.getTime() + 7 * DAY))).toEqual({ ok: false, reason: 'expired' });
    expect(() => token({ ttlDays: 0 })).toThrow('1 to 366 days');
    expect(() => token({ ttlDays: 1.5 })).toThrow('1 to 366 days');
  });

  it('is refused once finance revoked the links issued until then', () => {
    const revokedAfter = () => new Date(NOW.getTime() + 1000).toISOString();
    const revokedBefore = () => new Date(NOW.getTime() - 1000).toISOString();
    expect(verifyPayLinkToken(SECRET, token(), NOW, revokedAfter)).toEqual({ ok: false, reason: 'revoked' });
    expect(verifyPayLinkToken(SECRET, token(), NOW, () => NOW.toISOString())).toEqual({ ok: false, reason: 'revoked' });
    expect(verifyPayLinkToken(SECRET, token(), NOW, revokedBefore).ok).toBe(true);
    expect(verifyPayLinkToken(SECRET, token(), NOW, () => undefined).ok).toBe(true);
  });

  it('puts the token in the fragment and issues a fresh link per message', () => {
    expect(payLinkUrl('https://pay.example.com/#old', 'pl1.a.b')).toBe('https://pay.example.com/#link=pl1.a.b');
    let n = 0;
    const issuer = payLinkIssuer({ secret: SECRET, portalUrl: 'https://pay.example.com/', ttlDays: 30, now: () => NOW, newId: () => `id-${++n}` });
    const first = issuer.linkFor('cust-1');
    const second = issuer.linkFor('cust-1');
    expect(first).not.toBe(second);
    const check = verifyPayLinkToken(SECRET, first.split('#link=')[1]!, NOW);
    expect(check).toMatchObject({ ok: true, claims: { customerId: 'cust-1', linkId: 'id-1', expiresAt: '2026-12-31T10:00:00.000Z' } });
  });

  it('needs a secret of at least 32 characters', () => {
    expect(() => issuePayLinkToken('short', { customerId: 'c', linkId: 'l', now: NOW })).toThrow('at least 32');
    expect(() => verifyPayLinkToken('short', token(), NOW)).toThrow('at least 32');
  });
});
