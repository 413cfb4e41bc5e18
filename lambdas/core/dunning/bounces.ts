/**
 * A reminder that bounced (SES feedback: a bounce or complaint for a message id) is recorded on
 * the letter and on each item it raised, never dropped: the item's `dunning.lastError` says what
 * happened and the next run sends the letter again at the same level (no new fee). After
 * {@link MAX_RESENDS} bounces of an item's letters the item is not sent again by itself; the error
 * tells finance to check the customer's email address.
 */
import { calendarDateIn } from '../time/clock';
import { retryOnConflict } from '../kernel/retry';
import type { DunningDeps } from './run-dunning';
import { MAX_RESENDS } from './state';

export interface BounceReport {
  readonly messageId: string;
  /** SES bounce type (`Permanent`, `Transient`, `Undetermined`) or `Complaint`. */
  readonly bounceType: string;
  readonly detail: string;
}

export async function recordBounce(deps: Pick<DunningDeps, 'store' | 'postings' | 'clock' | 'settings'>, report: BounceReport): Promise<{ found: boolean; items: string[] }> {
  const letter = await deps.store.letterByMessageId(report.messageId);
  if (!letter) return { found: false, items: [] };
  const at = deps.clock.now().toISOString();
  const today = calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone);
  if (letter.state !== 'BOUNCED') await deps.store.markLetterBounced(letter.runId, letter.customerId, `${report.bounceType}: ${report.detail}`, at);
  const touched: string[] = [];
  for (const item of letter.items.filter((i) => i.raised)) {
    const written = await retryOnConflict(async () => {
      const invoice = (await deps.store.invoices([item.invoiceId])).get(item.invoiceId);
      const d = invoice?.dunning;
      // Moved on (paid, another level) or recorded already for this message: nothing to do.
      if (!invoice || !d || d.level !== item.level || d.undelivered?.messageId === report.messageId) return false;
      if (!d.history.some((h) => h.messageId === report.messageId)) return false;
      const bounces = (d.undelivered?.bounces ?? 0) + 1;
      const giveUp = bounces > MAX_RESENDS;
      const message = giveUp
        ? `the letter ${report.messageId} bounced (${report.bounceType}: ${report.detail}); ${bounces} bounces: not sent again until the customer's email address is checked`
        : `the letter ${report.messageId} bounced (${report.bounceType}: ${report.detail}); the next run sends it again`;
      const after = {
        ...invoice,
        nextActionDate: giveUp ? invoice.nextActionDate : invoice.nextActionDate && invoice.nextActionDate < today ? invoice.nextActionDate : today,
        dunning: {
          ...d,
          lastError: { at, runId: letter.runId, message },
          undelivered: { messageId: report.messageId, level: d.level, bounces, bounceType: report.bounceType, resent: false },
          version: (d.version ?? 0) + 1,
        },
      };
      await deps.postings.post({ description: `bounce of letter ${report.messageId} for invoice ${invoice.invoiceId}`, invoices: [{ before: invoice, after }], journals: [] });
      return true;
    }, { attempts: 5 });
    if (written) touched.push(item.invoiceId);
  }
  return { found: true, items: touched };
}
