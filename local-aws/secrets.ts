/**
 * The local stack's secrets, each the configured value when one is given (at least 32
 * characters), else one generated at the first start and kept in the data folder (readable by its
 * owner only), so what they sign stays good across restarts on the same data and is worthless
 * against another data folder:
 *
 * - the cursor secret (what signs the API's pagination cursors, `CURSOR_SECRET`, file `cursor-secret`);
 * - the pay link secret (what signs the customers' portal links, `PAY_LINK_SECRET`, file `pay-link-secret`);
 * - the local payment provider's webhook signing secret (`STRIPE_WEBHOOK_SECRET`, file
 *   `payment-provider-webhook-secret`, given the `whsec_` prefix Stripe's secrets have).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStartupError } from './errors';

export const MIN_CURSOR_SECRET_LENGTH = 32;
export const MIN_SECRET_LENGTH = MIN_CURSOR_SECRET_LENGTH;

/** A secret of the local stack: configured (`envName`), or kept in `dataDir/file`, or generated there. */
export function localSecret(dataDir: string, file: string, envName: string, configured?: string, prefix = ''): string {
  if (configured !== undefined && configured !== '') {
    if (configured.length < MIN_SECRET_LENGTH) {
      throw new LocalStartupError(
        `${envName} is ${configured.length} characters; it must be at least ${MIN_SECRET_LENGTH}`,
        `Give a longer one (for example: ${envName}=$(openssl rand -base64 48)), or leave it unset to use the one kept in the data folder`,
      );
    }
    return configured;
  }
  const path = join(dataDir, file);
  if (existsSync(path)) {
    const kept = readFileSync(path, 'utf8').trim();
    if (kept.length >= MIN_SECRET_LENGTH) return kept;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = `${prefix}${randomBytes(48).toString('base64url')}`;
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}

export function localCursorSecret(dataDir: string, configured?: string): string {
  return localSecret(dataDir, 'cursor-secret', 'CURSOR_SECRET', configured);
}

export function localPayLinkSecret(dataDir: string, configured?: string): string {
  return localSecret(dataDir, 'pay-link-secret', 'PAY_LINK_SECRET', configured);
}

export function localWebhookSecret(dataDir: string, configured?: string): string {
  return localSecret(dataDir, 'payment-provider-webhook-secret', 'STRIPE_WEBHOOK_SECRET', configured, 'whsec_');
}
