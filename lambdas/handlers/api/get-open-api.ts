/** GET /openapi.json (both roles): the API's OpenAPI 3.1 document, generated from the route table and the schemas (`lambdas/shared/openapi.ts`). */
import { apiHandler } from '../../shared/http';
import { openApiText } from '../../shared/openapi';

export function makeHandler() {
  let text: string | undefined;
  return apiHandler({}, async () => {
    text ??= openApiText();
    return { statusCode: 200, body: text, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'max-age=300' } };
  });
}

export const handler = makeHandler();
