/**
 * `npm start` problems a user can fix get a clear message saying what to do, not a stack trace:
 * a port in use and a corrupt data folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalAws } from '../../local-aws/runtime';
import { LocalStartupError } from '../../local-aws/errors';

const folders: string[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otc-startup-'));
  folders.push(dir);
  return dir;
}

describe('start-up problems', () => {
  it('names a port in use and how to choose another', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startLocalAws({ dataDir: dataDir(), ports: { gateway: port, dynamodb: 0, ses: 0, stepFunctions: 0, s3: 0 } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LocalStartupError);
      expect((error as LocalStartupError).message).toContain(`Port ${port}`);
      expect((error as LocalStartupError).hint).toContain('PORT=<port> npm start');
    } finally {
      blocker.close();
    }
  });

  it('says the data folder is corrupt and how to move it away', async () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'dynamodb'), { recursive: true });
    writeFileSync(join(dir, 'dynamodb', 'shared-local-instance.db'), 'this is not an SQLite database');
    const error = await startLocalAws({ dataDir: dir, ports: { gateway: 0, dynamodb: 0, ses: 0, stepFunctions: 0, s3: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalStartupError);
    expect((error as LocalStartupError).hint).toMatch(/corrupt.*mv .*dynamodb/);
  });
});
