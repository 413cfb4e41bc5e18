/**
 * The scheduled monthly statements (EventBridge Scheduler on the first of the month; locally the
 * local scheduler on the local clock): the month is the one before the scheduled time's business date.
 */
import * as z from 'zod';
import { sendMonthlyStatements, type MonthlyStatementDeps } from '../../core/statements/monthly-statements';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { logger } from '../../shared/observability';
import { clock, coreSettings, customerStore, invoiceReader, mailer } from '../../shared/wiring';
import { payLinks } from '../../shared/portal-wiring';

const input = z.object({
  trigger: z.literal('schedule').optional(),
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

export function makeHandler(deps: MonthlyStatementDeps) {
  return stepHandler(
    (event) => parseWith(input, event ?? {}),
    async (command) => {
      const result = await sendMonthlyStatements(deps, { at: command.scheduledTime ? new Date(command.scheduledTime) : deps.clock.now() });
      logger.info('Monthly statements sent', { from: result.from, to: result.to, sent: result.sent, skipped: result.skipped.length });
      return result;
    },
  );
}

const settings = coreSettings();
export const handler = makeHandler({ invoices: invoiceReader(), customers: customerStore(), mailer: mailer(), payLinks: payLinks(), clock, settings: { businessTimeZone: settings.businessTimeZone, seller: settings.seller } });
