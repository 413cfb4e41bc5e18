/** POST /dunning/runs: a dunning run now (`asOf` optional, `dryRun: true` sends and changes nothing); 201 with what it did. */
import { runDunning, startDunningRunRequest as body, type DunningDeps } from '../../core/dunning/run-dunning';
import { parseWith } from '../../core/validation';
import { ValidationError } from '../../core/errors';
import { addCalendarDays, calendarDateIn } from '../../core/time/clock';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { dunningDeps } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

/**
 * How far back a run on demand may look. A run reads the items due on every day from the last
 * completed run to `asOf`, one query a day: `asOf` of year 1 made that centuries of days and a
 * function timeout (a 502), and left a run of year 1 behind.
 */
export const MAX_ASOF_DAYS_BACK = 366;

export function makeHandler(deps: DunningDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const command = parseWith(body, request.body ?? {});
    if (command.asOf !== undefined) {
      const earliest = addCalendarDays(calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone), -MAX_ASOF_DAYS_BACK);
      if (command.asOf < earliest) throw ValidationError.of('asOf', `must not be before ${earliest}: a run on demand looks back at most ${MAX_ASOF_DAYS_BACK} days`);
    }
    const invokedAt = deps.clock.now().getTime();
    const report = await runDunning(deps, { asOf: command.asOf, dryRun: command.dryRun, trigger: 'api' });
    // A dry run sends nothing; a run of the day that ran before sent nothing now.
    if (!report.dryRun && Date.parse(report.startedAt) >= invokedAt) countBusinessEvents({ RemindersSent: report.counts.letters });
    return { statusCode: 201, body: report };
  });
}

export const handler = makeHandler(dunningDeps({ sendsEmail: true }), { idempotency: idempotency() });
