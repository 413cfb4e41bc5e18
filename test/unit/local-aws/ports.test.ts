import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ephemeralPortRange, freePort, freePortSpans } from '../../../local-aws/ports';

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('free ports for a local stack', () => {
  it('reads the ephemeral range from /proc, else takes the IANA dynamic range', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ports-'));
    writeFileSync(join(dir, 'range'), '32768\t60999\n');
    expect(ephemeralPortRange(join(dir, 'range'))).toEqual([32768, 60999]);
    writeFileSync(join(dir, 'bad'), 'nonsense');
    expect(ephemeralPortRange(join(dir, 'bad'))).toEqual([49152, 65535]);
    expect(ephemeralPortRange(join(dir, 'missing'))).toEqual([49152, 65535]);
  });

  it('looks only outside the ephemeral range', () => {
    expect(freePortSpans([32768, 60999])).toEqual([[10_000, 32767], [61000, 65535]]);
    expect(freePortSpans([49152, 65535])).toEqual([[10_000, 49151]]);
    expect(freePortSpans([1024, 65535])).toEqual([]);
  });

  it('hands out distinct ports outside the range listen(0) and outgoing connections use, and each can be bound', async () => {
    const [low, high] = ephemeralPortRange();
    const ports = [];
    for (let i = 0; i < 20; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) expect(port < low || port > high).toBe(true);
    // Nothing the OS assigns by itself lands on them: 50 listen(0) servers later, each is still free.
    const auto = await Promise.all(Array.from({ length: 50 }, () => listenOn(0)));
    try {
      for (const server of auto) expect(ports).not.toContain((server.address() as { port: number }).port);
      for (const port of ports) (await listenOn(port)).close();
    } finally {
      for (const server of auto) server.close();
    }
  });
});
