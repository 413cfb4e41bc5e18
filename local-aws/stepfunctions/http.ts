/**
 * The protocol layer: the Step Functions API over HTTP, AWS JSON 1.0.
 *
 * `POST /` with `X-Amz-Target: AWSStepFunctions.<Action>` and a JSON body; the answer is
 * `application/x-amz-json-1.0`. API errors are status 400 `{"__type": "<Code>", "message": "..."}`,
 * which the AWS SDK v3 and the AWS CLI map to their exception types. Anything unexpected is a 500
 * `InternalFailure`. Every response carries an `x-amzn-RequestId`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { StepFunctionsError } from './errors';

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** Runs one API action; throws {@link StepFunctionsError} for API errors. */
export type ActionHandler = (action: string, request: unknown) => Promise<unknown>;

/** Creates (does not start) the HTTP server of the API. */
export function createStepFunctionsServer(handle: ActionHandler, log: (message: string) => void): Server {
  return createServer((request, response) => {
    void respond(request, response, handle, log);
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function respond(request: IncomingMessage, response: ServerResponse, handle: ActionHandler, log: (message: string) => void): Promise<void> {
  const requestId = randomUUID();
  const send = (status: number, body: unknown): void => {
    const text = JSON.stringify(body ?? {});
    response.writeHead(status, {
      'content-type': CONTENT_TYPE,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': requestId,
    });
    response.end(text);
  };
  try {
    if (request.method !== 'POST') {
      throw new StepFunctionsError('UnknownOperationException', `The Step Functions API only answers POST requests, not ${request.method ?? '?'}`);
    }
    const target = request.headers['x-amz-target'];
    if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
      throw new StepFunctionsError('UnknownOperationException', `Missing or unknown X-Amz-Target: ${String(target)}`);
    }
    const raw = await readBody(request);
    let body: unknown = {};
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        throw new StepFunctionsError('SerializationException', 'The request body is not valid JSON');
      }
    }
    send(200, await handle(target.slice(TARGET_PREFIX.length), body));
  } catch (error) {
    if (error instanceof StepFunctionsError) {
      send(error.statusCode, { __type: error.type, message: error.message });
      return;
    }
    log(`Step Functions request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    send(500, { __type: 'InternalFailure', message: error instanceof Error ? error.message : String(error) });
  }
}
