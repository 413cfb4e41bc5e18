/**
 * The scheduled SEPA collection run (EventBridge Scheduler, daily at 05:30 business time; locally
 * the local scheduler on the local clock). The run's day is the business date of the scheduled time.
 */
import * as z from 'zod';
import { runCollections, type CollectionDeps } from '../../core/sepa/collection';
import { calendarDateIn } from '../../core/time/clock';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { collectionDeps } from '../../shared/sepa-wiring';
import { logger } from '../../shared/observability';

const input = z.object({ trigger: z.literal('schedule').optional(), scheduledTime: z.iso.datetime({ offset: true }).optional() });

export function makeHandler(deps: CollectionDeps) {
  return stepHandler(
    (event) => parseWith(input, event ?? {}),
    async (command) => {
      const asOf = command.scheduledTime ? calendarDateIn(new Date(command.scheduledTime), deps.settings.businessTimeZone) : undefined;
      const report = await runCollections(deps, asOf ? { asOf } : {});
      logger.info('Collection run finished', { runDate: report.runDate, files: report.files.length, collected: report.collected.length });
      return { runDate: report.runDate, files: report.files.map((f) => f.fileId), collected: report.collected.length };
    },
  );
}

export const handler = makeHandler(collectionDeps());
