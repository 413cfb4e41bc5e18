/** GET /invoices/import/{importId} (finance): the import's progress, then its result or the problems that refused it. */
import { importView, type ImportProgressStore } from '../../core/invoices/import-processing';
import { NotFoundError } from '../../core/errors';
import { apiHandler } from '../../shared/http';
import { importProgress } from '../../shared/wiring';

export function makeHandler(deps: { progress: ImportProgressStore }) {
  return apiHandler({}, async (request) => {
    const importId = request.pathParameters.importId ?? '';
    const progress = await deps.progress.get(importId);
    if (!progress) throw new NotFoundError('Import', importId);
    return { statusCode: 200, body: importView(progress) };
  });
}

export const handler = makeHandler({ progress: importProgress() });
