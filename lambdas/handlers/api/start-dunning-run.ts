/** POST /dunning/runs: a dunning run now (`asOf` optional, `dryRun: true` sends and changes nothing); 201 with what it did. */
import { z } from 'zod';
import { runDunning, type DunningDeps } from '../../core/dunning/run-dunning';
import { parseWith, calendarDate } from '../../core/validation';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { dunningDeps } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

const body = z.strictObject({ asOf: calendarDate.optional(), dryRun: z.boolean().optional() });

export function makeHandler(deps: DunningDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const command = parseWith(body, request.body ?? {});
    return { statusCode: 201, body: await runDunning(deps, { asOf: command.asOf, dryRun: command.dryRun, trigger: 'api' }) };
  });
}

export const handler = makeHandler(dunningDeps({ sendsEmail: true }), { idempotency: idempotency() });
