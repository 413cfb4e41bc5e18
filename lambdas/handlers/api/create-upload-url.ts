/**
 * POST /remittances/uploads and POST /invoices/import/uploads (finance), body `{"contentLength":
 * <bytes>}`: 201 with a presigned S3 PUT URL for a file of exactly that length, valid 5 minutes,
 * and its `uploadId`; then `POST /remittances` (or `/invoices/import`) with `{"uploadId"}`.
 * 400 naming `contentLength` when it is missing, not a whole number or above the limit.
 */
import { createUploadUrl, type UploadDeps } from '../../core/uploads/uploads';
import { apiHandler } from '../../shared/http';
import { clock, handedInFiles, newId } from '../../shared/wiring';

export function makeHandler(deps: UploadDeps) {
  return apiHandler({}, async (request) => {
    const kind = request.path.includes('/invoices/import/') ? 'import' : 'statement';
    return { statusCode: 201, body: await createUploadUrl(deps, kind, request.body) };
  });
}

export const handler = makeHandler({ files: handedInFiles(), clock, newId });
