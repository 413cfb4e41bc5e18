/**
 * The local stack's cursor secret (what signs the API's pagination cursors, `CURSOR_SECRET`): the
 * configured value when one is given (at least 32 characters), else one generated at the first
 * start and kept in the data folder (`cursor-secret`, readable by its owner only), so cursors stay
 * good across restarts on the same data and are worthless against another data folder.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStartupError } from './errors';

export const MIN_CURSOR_SECRET_LENGTH = 32;

export function localCursorSecret(dataDir: string, configured?: string): string {
  if (configured !== undefined && configured !== '') {
    if (configured.length < MIN_CURSOR_SECRET_LENGTH) {
      throw new LocalStartupError(
        `CURSOR_SECRET is ${configured.length} characters; it must be at least ${MIN_CURSOR_SECRET_LENGTH}`,
        'Give a longer one (for example: CURSOR_SECRET=$(openssl rand -base64 48)), or leave it unset to use the one kept in the data folder',
      );
    }
    return configured;
  }
  const file = join(dataDir, 'cursor-secret');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= MIN_CURSOR_SECRET_LENGTH) return kept;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
