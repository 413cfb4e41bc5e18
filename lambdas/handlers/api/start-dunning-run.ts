/** POST /dunning/runs: a dunning run now (`asOf` optional, `dryRun: true` sends and changes nothing); 201 with what it did. */
import { z } from 'zod';
import { runDunning, type DunningDeps } from '../../core/dunning/run-dunning';
import { parseWith, calendarDate } from '../../core/validation';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { dunningDeps } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

const body = z.strictObject({ asOf: calendarDate.optional(), dryRun: z.boolean().optional() });

export function makeHandler(deps: DunningDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const command = parseWith(body, request.body ?? {});
    const invokedAt = deps.clock.now().getTime();
    const report = await runDunning(deps, { asOf: command.asOf, dryRun: command.dryRun, trigger: 'api' });
    // A dry run sends nothing; a run of the day that ran before sent nothing now.
    if (!report.dryRun && Date.parse(report.startedAt) >= invokedAt) countBusinessEvents({ RemindersSent: report.counts.letters });
    return { statusCode: 201, body: report };
  });
}

export const handler = makeHandler(dunningDeps({ sendsEmail: true }), { idempotency: idempotency() });
