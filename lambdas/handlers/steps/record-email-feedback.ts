/**
 * SES feedback through SNS (the configuration set's event destination): a bounce or complaint of
 * a reminder is recorded on its letter and items, and the next run sends it again (see
 * `core/dunning/bounces.ts`). Other notifications (deliveries) and messages that are not
 * reminders are ignored. Never logs an email address.
 */
import * as z from 'zod';
import type { SNSEvent } from 'aws-lambda';
import { recordBounce, type BounceReport } from '../../core/dunning/bounces';
import type { DunningDeps } from '../../core/dunning/run-dunning';
import { wrapHandler, logger } from '../../shared/observability';
import { dunningDeps } from '../../shared/dunning-wiring';

const notification = z.object({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  mail: z.object({ messageId: z.string().min(1) }),
  bounce: z.object({ bounceType: z.string().optional(), bounceSubType: z.string().optional(), bouncedRecipients: z.array(z.object({ diagnosticCode: z.string().optional() })).optional() }).optional(),
  complaint: z.object({ complaintFeedbackType: z.string().optional() }).optional(),
});

/** The bounce or complaint an SNS message reports, or null for anything else. */
export function feedbackOf(message: string): BounceReport | null {
  let parsed: z.infer<typeof notification>;
  try {
    parsed = notification.parse(JSON.parse(message));
  } catch {
    return null;
  }
  const kind = parsed.eventType ?? parsed.notificationType;
  if (kind === 'Bounce') {
    const diagnostic = parsed.bounce?.bouncedRecipients?.find((r) => r.diagnosticCode)?.diagnosticCode;
    return { messageId: parsed.mail.messageId, bounceType: parsed.bounce?.bounceType ?? 'Undetermined', detail: [parsed.bounce?.bounceSubType, diagnostic].filter(Boolean).join(', ') || 'bounced' };
  }
  if (kind === 'Complaint') return { messageId: parsed.mail.messageId, bounceType: 'Complaint', detail: parsed.complaint?.complaintFeedbackType ?? 'complaint' };
  return null;
}

export function makeHandler(deps: Pick<DunningDeps, 'store' | 'postings' | 'clock' | 'settings'>) {
  return wrapHandler(async (event: SNSEvent) => {
    const results = [];
    for (const record of event.Records ?? []) {
      const report = feedbackOf(record.Sns?.Message ?? '');
      if (!report) continue;
      const result = await recordBounce(deps, report);
      logger.info('Email feedback recorded', { messageId: report.messageId, bounceType: report.bounceType, letterFound: result.found, items: result.items.length });
      results.push({ messageId: report.messageId, ...result });
    }
    return { recorded: results };
  });
}

export const handler = makeHandler(dunningDeps());
