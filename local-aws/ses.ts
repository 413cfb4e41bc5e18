/** SES, locally: `aws-ses-v2-local` in-process on loopback; sent mail is read back from its store. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as sesModule from 'aws-ses-v2-local';
import { clearStore, saveEmail, getStoreReadonly, type Email } from 'aws-ses-v2-local/dist/store';

export interface LocalSes {
  readonly endpoint: string;
  /** The mail sent so far, as the local SES stores it. */
  emails(): Promise<LocalEmail[]>;
  stop(): Promise<void>;
}

export interface LocalEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly subject: string;
  readonly body: { text?: string; html?: string };
  readonly at: number;
}

type SesServer = (config: { host: string; port: number }) => Promise<Server>;

/** The package is CommonJS with `exports.default`: its default export, however the loader wraps it. */
const startSesServer: SesServer = (() => {
  const loaded = sesModule as unknown as { default: SesServer | { default: SesServer } };
  return typeof loaded.default === 'function' ? loaded.default : loaded.default.default;
})();

/**
 * Starts the local SES. The mail it stores in memory is saved to `mailFile` on stop and loaded
 * again on start, so sent mail stays readable across restarts.
 *
 * The package keeps its store in a module-level variable, which outlives a stopped server in the
 * same process (a test runner that runs several files in one process, a restart in-process): the
 * store is emptied first, so a stack's mail is exactly what its own data folder has sent.
 */
export async function startLocalSes(options: { host: string; port: number; mailFile: string }): Promise<LocalSes> {
  clearStore();
  if (existsSync(options.mailFile)) {
    const saved = JSON.parse(readFileSync(options.mailFile, 'utf8')) as Email[];
    saved.forEach((email) => saveEmail(email));
  }
  const server: Server = await startSesServer({ host: options.host, port: options.port });
  answerUnsupportedActions(server);
  const endpoint = `http://${options.host}:${options.port}`;
  const persist = () => {
    mkdirSync(dirname(options.mailFile), { recursive: true });
    writeFileSync(`${options.mailFile}.tmp`, JSON.stringify(getStoreReadonly().emails));
    renameSync(`${options.mailFile}.tmp`, options.mailFile);
  };
  return {
    endpoint,
    async emails() {
      const response = await fetch(`${endpoint}/store`, { signal: AbortSignal.timeout(5_000) });
      const store = (await response.json()) as { emails?: LocalEmail[] };
      return store.emails ?? [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        persist();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** The SES v1 (query API) actions the local SES implements; it leaves any other unanswered. */
const SUPPORTED_ACTIONS = new Set(['SendEmail', 'SendRawEmail']);

/**
 * `aws-ses-v2-local` never answers a v1 action it does not implement (`aws ses list-identities`
 * hung until the client gave up after minutes): such a request is answered at once with SES's own
 * error, 400 `InvalidAction` naming the action and the ones supported. The body of a supported
 * one is read here and handed on parsed, as the package's own urlencoded parser would.
 */
function answerUnsupportedActions(server: Server): void {
  const app = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/' || !/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) return app(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const action = params.get('Action') ?? '';
      if (SUPPORTED_ACTIONS.has(action)) {
        Object.assign(req, { body: Object.fromEntries(params), _body: true });
        return app(req, res);
      }
      const message = `The local SES does not implement ${action ? `the action ${action.slice(0, 60)}` : 'a request without Action'}; it implements ${[...SUPPORTED_ACTIONS].join(', ')} (and the SES v2 sending API)`;
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${message.replace(/[<>&]/g, '')}</Message></Error><RequestId>local</RequestId></ErrorResponse>`,
      );
    });
  });
}
