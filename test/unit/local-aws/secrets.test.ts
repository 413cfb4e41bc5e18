import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localCursorSecret } from '../../../local-aws/secrets';
import { LocalStartupError } from '../../../local-aws/errors';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otc-secret-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the local cursor secret', () => {
  it('is generated once per data folder, kept readable by its owner only, and the same on the next start', () => {
    const dir = dataDir();
    const first = localCursorSecret(dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'cursor-secret')).mode & 0o777).toBe(0o600);
    expect(localCursorSecret(dir)).toBe(first);
    expect(localCursorSecret(dataDir())).not.toBe(first);
  });

  it('takes a configured value of at least 32 characters instead, and refuses a shorter one saying what to do', () => {
    const dir = dataDir();
    expect(localCursorSecret(dir, 'c'.repeat(32))).toBe('c'.repeat(32));
    expect(() => localCursorSecret(dir, 'short')).toThrow(LocalStartupError);
    expect(() => localCursorSecret(dir, 'short')).toThrow('CURSOR_SECRET is 5 characters; it must be at least 32');
  });

  it('replaces a kept secret that is too short to sign with', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'cursor-secret'), 'tiny\n');
    const secret = localCursorSecret(dir);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'cursor-secret'), 'utf8').trim()).toBe(secret);
  });
});
