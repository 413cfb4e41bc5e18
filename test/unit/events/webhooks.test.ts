/**
 * Webhooks: signatures as the official `standardwebhooks` package verifies them, URL rules, which
 * subscription wants which event, and delivery attempts with back-off for a day.
 */
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signatureOf, signedHeaders } from '../../../lambdas/core/webhooks/signature';
import { DELIVERY_WINDOW_MS, deliverOnce, deliveryName, listDeliveries, listWebhooks, registerWebhook, routeEvent, urlProblem, wants, type Delivery, type Subscription, type WebhookStore } from '../../../lambdas/core/webhooks/webhooks';
import { orderPlaced } from '../../../lambdas/core/events/events';
import { anOrder, FINANCE, OTHER_SHOP, SHOP } from '../../support/builders';
import { ValidationError, NotFoundError } from '../../../lambdas/core/errors';

class MemoryWebhooks implements WebhookStore {
  readonly subscriptions = new Map<string, Subscription>();
  readonly records = new Map<string, Delivery>();
  async create(s: Subscription) {
    this.subscriptions.set(s.webhookId, s);
  }
  async get(id: string) {
    return this.subscriptions.get(id);
  }
  async active() {
    return [...this.subscriptions.values()].filter((s) => s.deletedAt === null);
  }
  async markDeleted(id: string, at: string) {
    this.subscriptions.set(id, { ...this.subscriptions.get(id)!, deletedAt: at });
  }
  async delivery(webhookId: string, eventId: string) {
    return this.records.get(`${webhookId}|${eventId}`);
  }
  async recordAttempt(d: Delivery, before: number) {
    if ((this.records.get(`${d.webhookId}|${d.eventId}`)?.attempts.length ?? 0) !== before) return false;
    this.records.set(`${d.webhookId}|${d.eventId}`, d);
    return true;
  }
  async deliveries(webhookId: string) {
    return [...this.records.values()].filter((d) => d.webhookId === webhookId);
  }
}

describe('signatures (Standard Webhooks)', () => {
  it('verify with the official standardwebhooks package, and fail when the body, id or timestamp changes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ eventId: 'e-1', amount: '10.00' });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signedHeaders(secret, 'e-1', timestamp, body);
    const verifier = new Webhook(secret);
    expect(verifier.verify(body, headers)).toEqual({ eventId: 'e-1', amount: '10.00' });
    expect(() => verifier.verify(`${body} `, headers)).toThrow();
    expect(() => verifier.verify(body, { ...headers, 'webhook-id': 'e-2' })).toThrow();
    expect(() => verifier.verify(body, { ...headers, 'webhook-timestamp': String(timestamp + 1) })).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('equal the specification example (the key is the base64-decoded secret)', () => {
    // The example of the specification's reference libraries (standard-webhooks, libraries/javascript/src/index.test.ts).
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const payload = '{"test": 2432232314}';
    expect(signatureOf(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, payload)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('webhook URLs', () => {
  it('locally: https, or http to loopback', () => {
    expect(urlProblem('http://127.0.0.1:4000/hooks', 'local')).toBeNull();
    expect(urlProblem('http://localhost/hooks', 'local')).toBeNull();
    expect(urlProblem('https://shop.example/hooks', 'local')).toBeNull();
    expect(urlProblem('http://shop.example/hooks', 'local')).toMatch(/https/);
  });

  it('on AWS: https to a public host only', () => {
    expect(urlProblem('https://shop.example/hooks', 'prod')).toBeNull();
    for (const url of ['http://shop.example/hooks', 'https://127.0.0.1/h', 'https://10.1.2.3/h', 'https://169.254.169.254/latest', 'https://192.168.1.1/', 'https://[::1]/', 'https://[fd00::1]/', 'https://intranet/', 'https://db.internal/']) {
      expect(urlProblem(url, 'prod'), url).not.toBeNull();
    }
    expect(urlProblem('not a url', 'prod')).toMatch(/absolute URL/);
    expect(urlProblem('https://user:pw@shop.example/', 'prod')).toMatch(/credentials/);
  });
});

const deps = (webhooks = new MemoryWebhooks()) => ({ webhooks, clock: { now: () => new Date('2026-02-01T10:00:00Z') }, newId: () => '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f', stage: 'local' });

describe('subscriptions', () => {
  it('a storefront subscribes for its own customers, answered the secret once; finance for every customer', async () => {
    const d = deps();
    const mine = await registerWebhook(d, SHOP, { url: 'http://127.0.0.1:9/h', eventTypes: ['OrderPlaced.v1'] });
    expect(mine).toMatchObject({ ownerId: SHOP.clientId, secret: expect.stringMatching(/^whsec_/) });
    expect(JSON.stringify(await listWebhooks(d, SHOP))).not.toContain(mine.secret);
    expect((await listWebhooks(d, OTHER_SHOP)).items).toEqual([]);
    await expect(listDeliveries(d, OTHER_SHOP, mine.webhookId)).rejects.toBeInstanceOf(NotFoundError);
    const stored = d.webhooks.subscriptions.get(mine.webhookId)!;
    const event = orderPlaced(anOrder({ ownerId: SHOP.clientId }));
    expect(wants(stored, event)).toBe(true);
    expect(wants(stored, { ...event, ownerId: OTHER_SHOP.clientId })).toBe(false);
    expect(wants(stored, { ...event, eventType: 'InvoiceIssued.v1' })).toBe(false);
    expect(wants({ ...stored, ownerId: null }, { ...event, ownerId: OTHER_SHOP.clientId })).toBe(true);
    expect((await registerWebhook(d, FINANCE, { url: 'https://erp.example/h', eventTypes: ['OrderPlaced.v1'] })).ownerId).toBeNull();
  });

  it('refuses a bad request naming the field, and stores nothing', async () => {
    const d = deps();
    await expect(registerWebhook(d, SHOP, { url: 'http://10.0.0.1/h', eventTypes: ['OrderPlaced.v1'] })).rejects.toMatchObject({ problems: [{ field: 'url' }] });
    await expect(registerWebhook(d, SHOP, { url: 'http://127.0.0.1/h', eventTypes: [] })).rejects.toMatchObject({ problems: [{ field: 'eventTypes' }] });
    await expect(registerWebhook(d, SHOP, { url: 'http://127.0.0.1/h', eventTypes: ['Nope.v1'] })).rejects.toBeInstanceOf(ValidationError);
    await expect(registerWebhook(d, SHOP, { url: 'http://127.0.0.1/h', eventTypes: ['OrderPlaced.v1'], secret: 'x' })).rejects.toBeInstanceOf(ValidationError);
    expect(d.webhooks.subscriptions.size).toBe(0);
  });

  it('routes an event to each subscription that wants it, once per subscription and event id', async () => {
    const d = deps();
    const a = await registerWebhook(d, SHOP, { url: 'http://127.0.0.1:9/h', eventTypes: ['OrderPlaced.v1'] });
    const started = new Set<string>();
    const starter = { start: async (name: string) => ({ alreadyStarted: started.has(name) || !started.add(name) }) };
    const event = orderPlaced(anOrder({ ownerId: SHOP.clientId }));
    expect(await routeEvent({ ...d, starter }, event)).toMatchObject({ subscriptions: 1, started: 1 });
    expect(await routeEvent({ ...d, starter }, event)).toMatchObject({ subscriptions: 1, started: 0 });
    expect([...started]).toEqual([deliveryName(a.webhookId, event.eventId)]);
    expect(deliveryName(a.webhookId, event.eventId).length).toBeLessThanOrEqual(80);
  });
});

describe('delivery attempts', () => {
  it('signs, records each attempt, backs off after a failure and gives up a day after the first attempt', async () => {
    let now = Date.parse('2026-02-01T10:00:00Z');
    const webhooks = new MemoryWebhooks();
    const d = { ...deps(webhooks), clock: { now: () => new Date(now) } };
    const sub = await registerWebhook(d, SHOP, { url: 'http://127.0.0.1:9/h', eventTypes: ['OrderPlaced.v1'] });
    const event = orderPlaced(anOrder({ ownerId: SHOP.clientId }));
    const sent: Record<string, string>[] = [];
    let answer = 500;
    const sender = { post: async (_u: string, headers: Record<string, string>, body: string) => (sent.push(headers), new Webhook(sub.secret).verify(body, headers), { status: answer }) };
    const waits: number[] = [];
    for (;;) {
      const outcome = await deliverOnce({ ...d, sender }, { webhookId: sub.webhookId, event });
      if (outcome.outcome !== 'retry') {
        expect(outcome.outcome).toBe('gave-up');
        break;
      }
      waits.push(outcome.retryInSeconds);
      now += outcome.retryInSeconds * 1000;
    }
    expect(waits.slice(0, 4)).toEqual([30, 120, 480, 1920]);
    expect(waits.reduce((a, b) => a + b, 0) * 1000).toBeLessThanOrEqual(DELIVERY_WINDOW_MS);
    const record = (await webhooks.deliveries(sub.webhookId))[0]!;
    expect(record).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(record.attempts).toHaveLength(waits.length + 1);
    expect(sent.every((h) => h['webhook-id'] === event.eventId)).toBe(true);

    // Another event (the clock back at the real time, which the verifier checks the timestamp against):
    // the second attempt succeeds, and a repeated attempt after success sends nothing.
    now = Date.now();
    answer = 503;
    const second = orderPlaced(anOrder({ orderId: 'O-2', ownerId: SHOP.clientId }));
    expect((await deliverOnce({ ...d, sender }, { webhookId: sub.webhookId, event: second })).outcome).toBe('retry');
    answer = 200;
    expect(await deliverOnce({ ...d, sender }, { webhookId: sub.webhookId, event: second })).toEqual({ outcome: 'delivered', attempts: 2 });
    const count = sent.length;
    expect(await deliverOnce({ ...d, sender }, { webhookId: sub.webhookId, event: second })).toEqual({ outcome: 'delivered', attempts: 2 });
    expect(sent.length).toBe(count);
  });
});
