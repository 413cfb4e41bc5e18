/**
 * The scheduled dunning run (EventBridge Scheduler, daily at 06:00 business time; locally the
 * local scheduler on the local clock). The run's day is the business date of the scheduled time,
 * so a late or repeated invocation still runs the day it was meant for.
 */
import * as z from 'zod';
import { runDunning, type DunningDeps } from '../../core/dunning/run-dunning';
import { calendarDateIn } from '../../core/time/clock';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { dunningDeps } from '../../shared/dunning-wiring';
import { logger } from '../../shared/observability';

const input = z.object({
  trigger: z.literal('schedule').optional(),
  /** `<aws.scheduler.scheduled-time>` from the schedule's input. */
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

export function makeHandler(deps: DunningDeps) {
  return stepHandler(
    (event) => parseWith(input, event ?? {}),
    async (command) => {
      const invokedAt = deps.clock.now().getTime();
      const asOf = command.scheduledTime ? calendarDateIn(new Date(command.scheduledTime), deps.settings.businessTimeZone) : undefined;
      const report = await runDunning(deps, { asOf, trigger: 'schedule' });
      logger.info('Dunning run finished', { runId: report.runId, counts: report.counts });
      // A run of the day that ran before (a repeated invocation) sent nothing now.
      if (Date.parse(report.startedAt) >= invokedAt) countBusinessEvents({ RemindersSent: report.counts.letters });
      return { runId: report.runId, status: report.status, counts: report.counts };
    },
  );
}

export const handler = makeHandler(dunningDeps({ sendsEmail: true }));
