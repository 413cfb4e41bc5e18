/**
 * GET /collections/files (newest first), GET /collections/files/{fileId} (the `pain.008.001.08`
 * file as `application/xml`; JSON with `Accept: application/json`), POST
 * /collections/files/{fileId}/cancel (before its collection date).
 */
import { cancelCollectionFile, collectionFileView, collectionFileXml, getCollectionFile, type CollectionDeps } from '../../core/sepa/collection';
import * as z from 'zod';
import { parseWith } from '../../core/validation';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';

/** The body of the cancel: nothing (an empty object or none); any field is refused, naming it. */
export const cancelCollectionFileRequest = z.strictObject({});

export function makeHandler(deps: CollectionDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const fileId = request.pathParameters.fileId;
    if (fileId === undefined) {
      const limit = Number(request.query.limit ?? 50);
      const page = await deps.directDebits.listCollectionFiles(limit, request.query.cursor);
      return { statusCode: 200, body: { items: page.items.map(collectionFileView), ...(page.cursor ? { cursor: page.cursor } : {}) } };
    }
    if (request.method === 'POST') {
      parseWith(cancelCollectionFileRequest, request.body ?? {});
      return { statusCode: 200, body: await cancelCollectionFile(deps, fileId) };
    }
    const accept = request.headers.accept ?? request.headers.Accept ?? '';
    if (/application\/json/.test(accept) && !/xml/.test(accept)) return { statusCode: 200, body: collectionFileView(await getCollectionFile(deps, fileId)) };
    return {
      statusCode: 200,
      body: await collectionFileXml(deps, fileId),
      headers: { 'content-type': 'application/xml; charset=utf-8', 'content-disposition': `attachment; filename="${fileId}.xml"` },
    };
  });
}
