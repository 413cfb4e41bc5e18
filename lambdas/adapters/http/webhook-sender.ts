import type { WebhookSender } from '../../core/webhooks/webhooks';

/** POSTs a webhook delivery with fetch; redirects are not followed (a 3xx is a failed attempt). */
export class FetchWebhookSender implements WebhookSender {
  async post(url: string, headers: Record<string, string>, body: string, timeoutMs: number) {
    const response = await fetch(url, { method: 'POST', headers: { ...headers, 'user-agent': 'order-to-cash-webhooks/1' }, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status };
  }
}
