/** SES, locally: `aws-ses-v2-local` in-process on loopback; sent mail is read back from its store. */
import type { Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as sesModule from 'aws-ses-v2-local';
import { saveEmail, getStoreReadonly, type Email } from 'aws-ses-v2-local/dist/store';

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
 */
export async function startLocalSes(options: { host: string; port: number; mailFile: string }): Promise<LocalSes> {
  if (existsSync(options.mailFile) && getStoreReadonly().emails.length === 0) {
    const saved = JSON.parse(readFileSync(options.mailFile, 'utf8')) as Email[];
    saved.forEach((email) => saveEmail(email));
  }
  const server: Server = await startSesServer({ host: options.host, port: options.port });
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
