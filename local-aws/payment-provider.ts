/**
 * A small local payment provider that speaks the part of Stripe's API the product uses, so the
 * product's Stripe adapter (the official `stripe` library, pointed here by host, port and
 * protocol) runs unchanged without a network:
 *
 * - `POST /v1/checkout/sessions` (form-encoded as the library sends it), `GET /v1/checkout/sessions/{id}`,
 *   `GET /v1/payment_intents/{id}` (with `latest_charge.balance_transaction` expanded), `POST /v1/refunds`;
 *   every call needs the secret key (`Authorization: Bearer sk_...`), as Stripe does.
 * - The hosted checkout page `GET /checkout/{sessionId}` with a "Pay" and a "Decline" button. Pay
 *   completes the session (payment intent, charge, balance transaction with the provider's fee),
 *   delivers `checkout.session.completed` and `payment_intent.succeeded` to the webhook endpoint,
 *   then sends the customer to the session's `success_url`; Decline changes nothing and offers the
 *   way back (`cancel_url`).
 * - Webhooks signed exactly as Stripe signs them: `Stripe-Signature: t=<unix seconds>,v1=<hex
 *   HMAC-SHA256 of "<t>.<payload>" under the endpoint secret>`; a delivery answered with an error is
 *   retried (three attempts).
 * - Local-only helpers under `/local/`: the events and their deliveries (`GET /local/events`), the
 *   same event delivered again (`POST /local/events/{id}/resend`), and a chargeback
 *   (`POST /local/charges/{id}/dispute`).
 *
 * The fee is Stripe's standard European card pricing as an example: 1.5% + 0.25 (in minor units
 * of the currency: 25), rounded half up. It listens on loopback only.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseForm } from 'qs';
import escapeHtml from 'escape-html';
import { closeServer, listen } from './ports';

export interface PaymentProviderOptions {
  readonly host: string;
  readonly port: number;
  /** The secret API key the product uses (`sk_test_...`). */
  readonly secretKey: string;
  /** The webhook endpoint's signing secret (`whsec_...`). */
  readonly webhookSecret: string;
  /** Where webhooks go (the gateway's `/webhooks/stripe`); may be set after start. */
  webhookUrl?: string;
  readonly log?: (line: string) => void;
}

interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly payload: string;
  deliveries: { at: string; status: number | string }[];
}

type Json = Record<string, unknown>;

/** Stripe's signature header for `payload` at `timestamp` (seconds). */
export function stripeSignatureHeader(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/** The example fee: 1.5% + 25 minor units, rounded half up. */
export function providerFee(amountMinor: number): number {
  return Math.floor((amountMinor * 15 + 500) / 1000) + 25;
}

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export class LocalPaymentProvider {
  private server: Server | undefined;
  url = '';
  private readonly sessions = new Map<string, Json>();
  private readonly intents = new Map<string, Json>();
  private readonly charges = new Map<string, Json>();
  private readonly balanceTransactions = new Map<string, Json>();
  readonly events: StoredEvent[] = [];

  constructor(private readonly options: PaymentProviderOptions) {}

  set webhookUrl(url: string) {
    this.options.webhookUrl = url;
  }

  start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => send(res, 500, { error: { type: 'api_error', message: (error as Error).message } }));
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
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const path = url.pathname;
    let m: RegExpExecArray | null;

    if (path.startsWith('/v1/')) {
      if (req.headers.authorization !== `Bearer ${this.options.secretKey}`) {
        return send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      }
      if (method === 'POST' && path === '/v1/checkout/sessions') return send(res, 200, this.createSession(parseForm(body, { depth: 6, arrayLimit: 100 }) as Json));
      if (method === 'GET' && (m = /^\/v1\/checkout\/sessions\/([\w-]+)$/.exec(path))) return this.found(res, this.sessions.get(m[1]!), 'checkout.session', m[1]!);
      if (method === 'GET' && (m = /^\/v1\/payment_intents\/([\w-]+)$/.exec(path))) {
        const intent = this.intents.get(m[1]!);
        const expand = [...url.searchParams.entries()].filter(([k]) => k.startsWith('expand')).map(([, v]) => v);
        return this.found(res, intent && this.expandIntent(intent, expand), 'payment_intent', m[1]!);
      }
      if (method === 'POST' && path === '/v1/refunds') return this.refund(res, parseForm(body) as Json);
      return send(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } });
    }
    if (method === 'GET' && (m = /^\/checkout\/([\w-]+)$/.exec(path))) return this.page(res, m[1]!);
    if (method === 'POST' && (m = /^\/checkout\/([\w-]+)\/(pay|decline)$/.exec(path))) return m[2] === 'pay' ? this.pay(res, m[1]!) : this.decline(res, m[1]!);
    if (method === 'GET' && path === '/local/events') return send(res, 200, { items: this.events.map((e) => ({ id: e.id, type: e.type, deliveries: e.deliveries, payload: JSON.parse(e.payload) as unknown })) });
    if (method === 'POST' && (m = /^\/local\/events\/([\w-]+)\/resend$/.exec(path))) {
      const event = this.events.find((e) => e.id === m![1]);
      if (!event) return send(res, 404, { error: { message: `no event ${m[1]}` } });
      return send(res, 200, { id: event.id, status: await this.deliver(event) });
    }
    if (method === 'POST' && (m = /^\/local\/charges\/([\w-]+)\/dispute$/.exec(path))) return this.dispute(res, m[1]!);
    return send(res, 404, { error: { message: 'Not found' } });
  }

  private found(res: ServerResponse, object: Json | undefined, kind: string, id: string): void {
    if (!object) return send(res, 404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'` } });
    send(res, 200, object);
  }

  private createSession(params: Json): Json {
    const items = (params.line_items as Json[] | undefined) ?? [];
    const currency = String((items[0]?.price_data as Json | undefined)?.currency ?? 'eur');
    const amountTotal = items.reduce((sum, item) => sum + Number((item.price_data as Json).unit_amount) * Number(item.quantity ?? 1), 0);
    const id = newId('cs_test');
    const session: Json = {
      id,
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: amountTotal,
      amount_subtotal: amountTotal,
      currency,
      customer_email: params.customer_email ?? null,
      customer_details: null,
      locale: params.locale ?? null,
      metadata: params.metadata ?? {},
      payment_intent: null,
      success_url: params.success_url,
      cancel_url: params.cancel_url,
      url: `${this.url}/checkout/${id}`,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      line_items_local: items.map((i) => ({ name: ((i.price_data as Json).product_data as Json).name, amount: Number((i.price_data as Json).unit_amount) })),
      payment_intent_metadata: ((params.payment_intent_data as Json | undefined)?.metadata as Json | undefined) ?? {},
    };
    this.sessions.set(id, session);
    this.options.log?.(`payments     checkout ${id}: ${amountTotal} ${currency} (${items.length} items)`);
    return publicSession(session);
  }

  private expandIntent(intent: Json, expand: string[]): Json {
    if (!expand.some((e) => e.startsWith('latest_charge'))) return intent;
    const charge = this.charges.get(String(intent.latest_charge));
    if (!charge) return intent;
    const withBalance = expand.includes('latest_charge.balance_transaction') ? { ...charge, balance_transaction: this.balanceTransactions.get(String(charge.balance_transaction)) } : charge;
    return { ...intent, latest_charge: withBalance };
  }

  private page(res: ServerResponse, sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return sendHtml(res, 404, page('Checkout not found', '<p>This checkout does not exist.</p>'));
    const e = escapeHtml;
    const money = (minor: number) => `${(minor / 100).toFixed(2)} ${String(session.currency).toUpperCase()}`;
    if (session.status !== 'open') return sendHtml(res, 200, page('Already paid', `<p>This checkout is ${e(String(session.status))}.</p><p><a href="${e(String(session.success_url).replace('{CHECKOUT_SESSION_ID}', sessionId))}">Back</a></p>`));
    const lines = (session.line_items_local as { name: string; amount: number }[]).map((l) => `<tr><td>${e(l.name)}</td><td class="n">${e(money(l.amount))}</td></tr>`).join('');
    sendHtml(
      res,
      200,
      page(
        'Local payment provider',
        `<p>Test checkout <code>${e(sessionId)}</code> — no real card is charged.</p>
<table><thead><tr><th scope="col">Item</th><th scope="col" class="n">Amount</th></tr></thead><tbody>${lines}</tbody>
<tfoot><tr><th scope="row">Total</th><td class="n"><strong id="total">${e(money(Number(session.amount_total)))}</strong></td></tr></tfoot></table>
<form method="post" action="/checkout/${e(sessionId)}/pay"><button type="submit" id="pay">Pay ${e(money(Number(session.amount_total)))}</button></form>
<form method="post" action="/checkout/${e(sessionId)}/decline"><button type="submit" id="decline" class="secondary">Decline (card declined)</button></form>`,
      ),
    );
  }

  private async pay(res: ServerResponse, sessionId: string): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) return sendHtml(res, 404, page('Checkout not found', '<p>This checkout does not exist.</p>'));
    if (session.status === 'open') {
      const amount = Number(session.amount_total);
      const currency = String(session.currency);
      const created = Math.floor(Date.now() / 1000);
      const intentId = newId('pi');
      const chargeId = newId('ch');
      const txnId = newId('txn');
      const fee = providerFee(amount);
      this.balanceTransactions.set(txnId, { id: txnId, object: 'balance_transaction', amount, currency, fee, net: amount - fee, type: 'charge', source: chargeId, created, fee_details: [{ amount: fee, currency, type: 'stripe_fee', description: 'Stripe processing fees' }] });
      this.charges.set(chargeId, { id: chargeId, object: 'charge', amount, amount_captured: amount, amount_refunded: 0, refunded: false, currency, paid: true, status: 'succeeded', payment_intent: intentId, balance_transaction: txnId, created, refunds: { object: 'list', data: [] }, metadata: session.payment_intent_metadata });
      const intent: Json = { id: intentId, object: 'payment_intent', amount, amount_received: amount, currency, status: 'succeeded', latest_charge: chargeId, metadata: session.payment_intent_metadata, created, livemode: false };
      this.intents.set(intentId, intent);
      Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: intentId, customer_details: { email: session.customer_email, name: 'Local Test Card' } });
      this.options.log?.(`payments     paid ${sessionId}: ${amount} ${currency}, fee ${fee}`);
      await this.emit('checkout.session.completed', publicSession(session));
      await this.emit('payment_intent.succeeded', intent);
    }
    res.writeHead(303, { location: String(session.success_url).replace('{CHECKOUT_SESSION_ID}', sessionId) });
    res.end();
  }

  private decline(res: ServerResponse, sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return sendHtml(res, 404, page('Checkout not found', '<p>This checkout does not exist.</p>'));
    this.options.log?.(`payments     declined ${sessionId}`);
    const e = escapeHtml;
    sendHtml(
      res,
      402,
      page(
        'Card declined',
        `<p role="alert" id="declined">Your card was declined. Nothing was charged.</p>
<p><a href="/checkout/${e(sessionId)}">Try again</a> · <a id="back" href="${e(String(session.cancel_url))}">Back to your page</a></p>`,
      ),
    );
  }

  private async refund(res: ServerResponse, params: Json): Promise<void> {
    const intent = this.intents.get(String(params.payment_intent ?? ''));
    if (!intent) return send(res, 400, { error: { type: 'invalid_request_error', message: 'payment_intent: no such payment intent' } });
    const charge = this.charges.get(String(intent.latest_charge))!;
    const left = Number(charge.amount) - Number(charge.amount_refunded);
    const amount = params.amount === undefined ? left : Number(params.amount);
    if (!Number.isInteger(amount) || amount <= 0 || amount > left) return send(res, 400, { error: { type: 'invalid_request_error', param: 'amount', message: `amount must be 1 to ${left}` } });
    const refund = { id: newId('re'), object: 'refund', amount, currency: charge.currency, payment_intent: intent.id, charge: charge.id, status: 'succeeded', created: Math.floor(Date.now() / 1000) };
    const before = Number(charge.amount_refunded);
    Object.assign(charge, { amount_refunded: before + amount, refunded: before + amount === Number(charge.amount), refunds: { object: 'list', data: [refund, ...((charge.refunds as { data: Json[] }).data ?? [])] } });
    await this.emit('charge.refunded', charge, { amount_refunded: before });
    send(res, 200, refund);
  }

  private async dispute(res: ServerResponse, chargeId: string): Promise<void> {
    const charge = this.charges.get(chargeId);
    if (!charge) return send(res, 404, { error: { message: `no charge ${chargeId}` } });
    const dispute = { id: newId('dp'), object: 'dispute', amount: charge.amount, currency: charge.currency, charge: chargeId, payment_intent: charge.payment_intent, reason: 'fraudulent', status: 'needs_response', created: Math.floor(Date.now() / 1000) };
    await this.emit('charge.dispute.created', dispute);
    send(res, 200, dispute);
  }

  private async emit(type: string, object: Json, previous?: Json): Promise<void> {
    const event = {
      id: newId('evt'),
      object: 'event',
      api_version: '2026-11-18.endive',
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object, ...(previous ? { previous_attributes: previous } : {}) },
    };
    const stored: StoredEvent = { id: event.id, type, payload: JSON.stringify(event, null, 2), deliveries: [] };
    this.events.push(stored);
    await this.deliver(stored);
  }

  /** Delivers the event (up to three attempts); the last status. */
  private async deliver(event: StoredEvent): Promise<number | string> {
    const target = this.options.webhookUrl;
    if (!target) return 'no webhook endpoint';
    let status: number | string = 'not sent';
    for (let attempt = 1; attempt <= 3; attempt++) {
      const header = stripeSignatureHeader(event.payload, this.options.webhookSecret, Math.floor(Date.now() / 1000));
      try {
        const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' }, body: event.payload, signal: AbortSignal.timeout(30_000) });
        await response.arrayBuffer();
        status = response.status;
      } catch (error) {
        status = (error as Error).message;
      }
      event.deliveries.push({ at: new Date().toISOString(), status });
      this.options.log?.(`payments     webhook ${event.type} ${event.id} -> ${status}`);
      if (typeof status === 'number' && status < 300) break;
    }
    return status;
  }
}

/** The session as Stripe's API shows it (without the provider's own bookkeeping fields). */
function publicSession(session: Json): Json {
  const { line_items_local: _lines, payment_intent_metadata: _metadata, ...rest } = session;
  return rest;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'request-id': newId('req') });
  res.end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:*; frame-ancestors 'none'" });
  res.end(html);
}

function page(title: string, content: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1f2933}h1{font-size:1.3rem}table{width:100%;border-collapse:collapse;margin:1rem 0}td,th{padding:.4rem;border-bottom:1px solid #d9e2ec;text-align:left}.n{text-align:right}
button{width:100%;font-size:1rem;padding:.8rem;margin:.3rem 0;border-radius:.4rem;border:0;background:#635bff;color:#fff;cursor:pointer}button.secondary{background:#e4e7eb;color:#1f2933}button:focus-visible,a:focus-visible{outline:3px solid #f0b429;outline-offset:2px}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${content}</main></body></html>`;
}
