/**
 * Webhooks: other systems subscribe a URL to event types and receive each matching domain event,
 * signed (`signature.ts`), once per event id, retried with back-off for a day.
 *
 * - Finance subscribes to every customer's events; a storefront only for itself, and its
 *   subscription receives only the events of the customers it registered (`ownerId`).
 * - The secret is answered once, when the subscription is made; lists never show it.
 * - Each event that a subscription wants becomes one delivery, named from the subscription and the
 *   event id (a second publication of the same event finds it and sends nothing more); each attempt
 *   is recorded on it with its outcome. After a failure the delivery waits (`retryInSeconds`) and
 *   tries again, until a day after its first attempt.
 */
import * as z from 'zod';
import { NotFoundError, ValidationError } from '../errors';
import { parseWith } from '../validation';
import { ownerScope, type Caller } from '../access/caller';
import { EVENT_TYPES, isEventType, type DomainEvent, type EventType } from '../events/catalogue';
import { backoffCeilingMs } from '../kernel/retry';
import { newWebhookSecret, signedHeaders } from './signature';

export interface Subscription {
  readonly webhookId: string;
  readonly url: string;
  readonly eventTypes: readonly EventType[];
  /** The storefront whose customers' events it receives; null: every customer's (finance). */
  readonly ownerId: string | null;
  readonly description: string | null;
  readonly secret: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly deletedAt: string | null;
}

export interface DeliveryAttempt {
  readonly attempt: number;
  readonly at: string;
  readonly outcome: 'delivered' | 'failed';
  /** The receiver's HTTP status (null: no answer: refused, timed out, bad address). */
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface Delivery {
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly firstAttemptAt: string | null;
  readonly nextAttemptAt: string | null;
  readonly attempts: readonly DeliveryAttempt[];
}

export interface WebhookStore {
  create(subscription: Subscription): Promise<void>;
  get(webhookId: string): Promise<Subscription | undefined>;
  /** The active subscriptions (not deleted). */
  active(): Promise<Subscription[]>;
  markDeleted(webhookId: string, at: string): Promise<void>;
  delivery(webhookId: string, eventId: string): Promise<Delivery | undefined>;
  /** Writes the delivery with one more attempt; false when another attempt was recorded meanwhile (`attemptsBefore` differs). */
  recordAttempt(delivery: Delivery, attemptsBefore: number): Promise<boolean>;
  deliveries(webhookId: string): Promise<Delivery[]>;
}

export interface WebhookSender {
  /** POSTs `body`; the receiver's status, or an error when there was no answer. */
  post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number }>;
}

/** Starts the delivery of an event to a subscription, once per name (a second start of the same name finds the first). */
export interface DeliveryStarter {
  start(name: string, input: { webhookId: string; event: DomainEvent }): Promise<{ alreadyStarted: boolean }>;
}

export interface WebhookDeps {
  readonly webhooks: WebhookStore;
  readonly clock: { now(): Date };
  readonly newId: () => string;
  /** `local`: http to a loopback address is allowed (the local stack); elsewhere only https to public hosts. */
  readonly stage: string;
}

/** How long the deliveries of one event to one subscription go on. */
export const DELIVERY_WINDOW_MS = 24 * 3600 * 1000;
/** The back-off between attempts: 30 s, 2 min, 8 min, 32 min, about 2 h, then every 6 h. */
export const DELIVERY_BACKOFF = { baseDelayMs: 30_000, factor: 4, maxDelayMs: 6 * 3600 * 1000 } as const;
/** How long the receiver has to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;

const MAX_URL_LENGTH = 2048;

/** Why a URL may not receive webhooks here, or null when it may. */
export function urlProblem(text: string, stage: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL such as https://shop.example/webhooks';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment (#...)';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  if (stage === 'local') {
    if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return null;
    return 'must be https, or http to 127.0.0.1 or localhost on the local stack';
  }
  if (url.protocol !== 'https:') return 'must be https';
  if (loopback || isPrivateAddress(host) || host.endsWith('.internal') || host.endsWith('.local') || !host.includes('.')) return 'must be a public host, not a private, loopback or internal address';
  return null;
}

/** IPv4 private, link-local (the instance metadata address), shared and unspecified ranges; IPv6 unique-local and link-local. */
function isPrivateAddress(host: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  return host.includes(':') && (/^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host === '::' || host.startsWith('::ffff:'));
}

export const registerWebhookRequest = z.strictObject({
  url: z.string().max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`),
  eventTypes: z
    .array(z.string().refine(isEventType, { message: `must be one of the event types: ${EVENT_TYPES.join(', ')}` }))
    .min(1, 'must name at least one event type')
    .max(EVENT_TYPES.length, `must name at most ${EVENT_TYPES.length} event types`)
    .refine((types) => new Set(types).size === types.length, { message: 'must not name an event type twice' }),
  description: z.string().trim().min(1).max(200, 'must be at most 200 characters').optional(),
});

/** The subscription as lists show it: everything but the secret. */
export function subscriptionView(s: Subscription) {
  return { webhookId: s.webhookId, url: s.url, eventTypes: s.eventTypes, ownerId: s.ownerId, description: s.description, createdAt: s.createdAt, createdBy: s.createdBy, deletedAt: s.deletedAt };
}

/** POST /webhooks: a storefront subscribes for itself (its customers' events), finance for everything. */
export async function registerWebhook(deps: WebhookDeps, caller: Caller, body: unknown) {
  const request = parseWith(registerWebhookRequest, body);
  const problem = urlProblem(request.url, deps.stage);
  if (problem) throw ValidationError.of('url', problem);
  const subscription: Subscription = {
    webhookId: `wh_${deps.newId().replace(/-/g, '').slice(0, 24)}`,
    url: request.url,
    eventTypes: request.eventTypes as EventType[],
    ownerId: ownerScope(caller),
    description: request.description ?? null,
    secret: newWebhookSecret(),
    createdAt: deps.clock.now().toISOString(),
    createdBy: caller.clientId,
    deletedAt: null,
  };
  await deps.webhooks.create(subscription);
  return { ...subscriptionView(subscription), secret: subscription.secret };
}

/** A subscription the caller may see: finance every one, a storefront its own (others are not found). */
async function visibleSubscription(deps: Pick<WebhookDeps, 'webhooks'>, caller: Caller, webhookId: string): Promise<Subscription> {
  const found = await deps.webhooks.get(webhookId);
  const scope = ownerScope(caller);
  if (!found || (scope !== null && found.ownerId !== scope) || found.deletedAt !== null) throw new NotFoundError('Webhook', webhookId);
  return found;
}

export async function listWebhooks(deps: Pick<WebhookDeps, 'webhooks'>, caller: Caller) {
  const scope = ownerScope(caller);
  const items = (await deps.webhooks.active()).filter((s) => scope === null || s.ownerId === scope);
  return { items: items.map(subscriptionView) };
}

export async function deleteWebhook(deps: Pick<WebhookDeps, 'webhooks' | 'clock'>, caller: Caller, webhookId: string) {
  const subscription = await visibleSubscription(deps, caller, webhookId);
  const at = deps.clock.now().toISOString();
  await deps.webhooks.markDeleted(subscription.webhookId, at);
  return { webhookId, deletedAt: at };
}

export async function listDeliveries(deps: Pick<WebhookDeps, 'webhooks'>, caller: Caller, webhookId: string) {
  const found = await deps.webhooks.get(webhookId);
  const scope = ownerScope(caller);
  if (!found || (scope !== null && found.ownerId !== scope)) throw new NotFoundError('Webhook', webhookId);
  return { webhookId, items: await deps.webhooks.deliveries(webhookId) };
}

/** Whether a subscription wants an event: its type, and for a storefront's subscription, one of its customers. */
export function wants(subscription: Subscription, event: Pick<DomainEvent, 'eventType' | 'ownerId'>): boolean {
  if (subscription.deletedAt !== null || !subscription.eventTypes.includes(event.eventType)) return false;
  return subscription.ownerId === null || subscription.ownerId === event.ownerId;
}

/** The name of the delivery of an event to a subscription: the same for every publication of the event. */
export function deliveryName(webhookId: string, eventId: string): string {
  return `${webhookId}-${eventId}`;
}

/** The bus rule's target: one delivery per subscription that wants the event. */
export async function routeEvent(deps: Pick<WebhookDeps, 'webhooks'> & { starter: DeliveryStarter }, event: DomainEvent) {
  const subscriptions = (await deps.webhooks.active()).filter((s) => wants(s, event));
  const started: string[] = [];
  for (const s of subscriptions) {
    const result = await deps.starter.start(deliveryName(s.webhookId, event.eventId), { webhookId: s.webhookId, event });
    if (!result.alreadyStarted) started.push(s.webhookId);
  }
  return { eventId: event.eventId, subscriptions: subscriptions.length, started: started.length };
}

export type AttemptOutcome =
  | { readonly outcome: 'delivered'; readonly attempts: number }
  | { readonly outcome: 'retry'; readonly attempts: number; readonly retryInSeconds: number }
  | { readonly outcome: 'gave-up'; readonly attempts: number }
  /** The subscription was deleted: nothing more is sent. */
  | { readonly outcome: 'dropped'; readonly attempts: number };

/**
 * One attempt to deliver `event` to the subscription: signed, recorded on the delivery with its
 * outcome. A delivery that succeeded before is not sent again.
 */
export async function deliverOnce(deps: Pick<WebhookDeps, 'webhooks' | 'clock' | 'stage'> & { sender: WebhookSender }, input: { webhookId: string; event: DomainEvent }): Promise<AttemptOutcome> {
  const { event } = input;
  const subscription = await deps.webhooks.get(input.webhookId);
  const before = await deps.webhooks.delivery(input.webhookId, event.eventId);
  const attemptsBefore = before?.attempts.length ?? 0;
  if (before?.status === 'delivered') return { outcome: 'delivered', attempts: attemptsBefore };
  if (!subscription || subscription.deletedAt !== null) return { outcome: 'dropped', attempts: attemptsBefore };
  const now = deps.clock.now();
  const body = JSON.stringify(event);
  const headers = signedHeaders(subscription.secret, event.eventId, Math.floor(now.getTime() / 1000), body);
  let status: number | null = null;
  let error: string | null = urlProblem(subscription.url, deps.stage);
  if (error === null) {
    try {
      status = (await deps.sender.post(subscription.url, headers, body, DELIVERY_TIMEOUT_MS)).status;
      if (status < 200 || status > 299) error = `the receiver answered ${status}`;
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
  } else {
    error = `url ${error}`;
  }
  const attempt: DeliveryAttempt = { attempt: attemptsBefore + 1, at: now.toISOString(), outcome: error === null ? 'delivered' : 'failed', status, error, durationMs: Math.max(0, deps.clock.now().getTime() - now.getTime()) };
  const firstAttemptAt = before?.firstAttemptAt ?? attempt.at;
  const retryInMs = backoffCeilingMs(attempt.attempt, DELIVERY_BACKOFF);
  const nextAt = now.getTime() + retryInMs;
  const givingUp = error !== null && nextAt - Date.parse(firstAttemptAt) > DELIVERY_WINDOW_MS;
  const delivery: Delivery = {
    webhookId: input.webhookId,
    eventId: event.eventId,
    eventType: event.eventType,
    status: error === null ? 'delivered' : givingUp ? 'failed' : 'pending',
    firstAttemptAt,
    nextAttemptAt: error === null || givingUp ? null : new Date(nextAt).toISOString(),
    attempts: [...(before?.attempts ?? []), attempt],
  };
  await deps.webhooks.recordAttempt(delivery, attemptsBefore);
  if (error === null) return { outcome: 'delivered', attempts: attempt.attempt };
  if (givingUp) return { outcome: 'gave-up', attempts: attempt.attempt };
  return { outcome: 'retry', attempts: attempt.attempt, retryInSeconds: Math.ceil(retryInMs / 1000) };
}
