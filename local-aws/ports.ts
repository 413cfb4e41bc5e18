/** Finding free loopback ports and refusing taken ones with a clear message. */
import { createServer } from 'node:net';
import { LocalStartupError } from './errors';

/** Resolves with `port` if it can be bound on `host`, else rejects with a LocalStartupError. */
export function assertPortFree(port: number, host: string, what: string, envVar: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new LocalStartupError(
          `Port ${port} on ${host} for ${what} is ${error.code === 'EADDRINUSE' ? 'already in use' : `not usable (${error.code})`}`,
          `Stop whatever uses it (is another "npm start" running?), or choose another port: ${envVar}=<port> npm start`,
        ),
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/** A port the OS says is free right now on `host`. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `server` listening on `host`:`port` (0: a free one); resolves with its `http://host:port` URL. */
export function listen(server: import('node:http').Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(`http://${host}:${typeof address === 'object' && address ? address.port : port}`);
    });
  });
}

/** Closes `server` (when started), ending its open connections first. */
export function closeServer(server: import('node:http').Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
