/** GET /worklists/attention?limit=&cursor= (finance): orders and invoices whose step failed after its retries, oldest first. */
import { listAttention, type AttentionDeps } from '../../core/attention/attention';
import { apiHandler } from '../../shared/http';
import { attentionReader } from '../../shared/attention-wiring';
import { clock } from '../../shared/wiring';

export function makeHandler(deps: AttentionDeps) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await listAttention(deps, request.query) }));
}

export const handler = makeHandler({ attention: attentionReader(), clock });
