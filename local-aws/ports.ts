/** Finding free loopback ports and refusing taken ones with a clear message. */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/**
 * The ports the OS hands out by itself (`listen(0)` and the source port of every outgoing
 * connection): Linux's `ip_local_port_range`, elsewhere the IANA dynamic range. A port taken from
 * there, checked and let go, may be handed to someone else before the server that wanted it binds
 * it (a CI run failed so: the event bus's `listen(0)` got the port just picked for the gateway).
 */
export function ephemeralPortRange(procFile = '/proc/sys/net/ipv4/ip_local_port_range'): readonly [number, number] {
  try {
    const [low = NaN, high = NaN] = readFileSync(procFile, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low > 0 && high >= low && high <= 65535) return [low, high];
  } catch {
    // Not Linux (or no /proc): the IANA range macOS and Windows use.
  }
  return [49152, 65535];
}

/** Where `freePort` looks: the ports from 10000 up to 65535 outside the ephemeral range, as [low, high] spans. */
export function freePortSpans(ephemeral: readonly [number, number] = ephemeralPortRange()): [number, number][] {
  const [low, high] = ephemeral;
  const spans: [number, number][] = [];
  if (low - 1 >= 10_000) spans.push([10_000, low - 1]);
  if (high + 1 <= 65_535 && 65_535 - high >= 1_000) spans.push([Math.max(high + 1, 10_000), 65_535]);
  return spans;
}

/** Ports this process has handed out already: two stacks in one process never get the same one. */
const handedOut = new Set<number>();

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A port free right now on `host`, chosen at random outside the ephemeral range, so that nothing
 * the OS assigns by itself can take it before the caller binds it. Falls back to a port from
 * `listen(0)` when the ephemeral range leaves no room.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const spans = freePortSpans();
  const size = spans.reduce((n, [low, high]) => n + high - low + 1, 0);
  for (let attempt = 0; size > 0 && attempt < 200; attempt++) {
    let index = randomInt(size);
    let port = 0;
    for (const [low, high] of spans) {
      if (index <= high - low) {
        port = low + index;
        break;
      }
      index -= high - low + 1;
    }
    if (handedOut.has(port)) continue;
    if (await canListen(port, host)) {
      handedOut.add(port);
      return port;
    }
  }
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
