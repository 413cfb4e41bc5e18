/**
 * The one retry helper: runs `work` again when it fails with an error `retryOn` accepts, after a
 * short random pause (full jitter, doubling from `baseDelayMs`), at most `attempts` times in all.
 * Any other error, and the last one, go to the caller.
 *
 * {@link retryOnConflict} is its use for optimistic writes: `work` reads what it needs, decides and
 * writes; when the write finds that something it read has changed ({@link ConcurrentUpdateError}),
 * it runs again on a fresh read.
 */
import { ConcurrentUpdateError } from '../ports';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The longest pause before the second attempt, in ms (doubling after, at most 16 times it). Default 10. */
  readonly baseDelayMs?: number;
  /** Which errors are worth another attempt (default: every error). */
  readonly retryOn?: (error: unknown) => boolean;
}

export async function retry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const base = options.baseDelayMs ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= options.attempts || (options.retryOn && !options.retryOn(error))) throw error;
      const pause = Math.floor(Math.random() * backoffCeilingMs(attempt, { baseDelayMs: base, factor: 2, maxDelayMs: base * 16 }));
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * The back-off of attempt `attempt` (1 = after the first failure): `baseDelayMs` growing by
 * `factor` per further attempt, at most `maxDelayMs`. {@link retry} pauses a random part of it (full
 * jitter); slow retries (webhook deliveries over a day) wait it out.
 */
export function backoffCeilingMs(attempt: number, options: { readonly baseDelayMs: number; readonly factor: number; readonly maxDelayMs: number }): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * options.factor ** Math.max(0, attempt - 1));
}

export function retryOnConflict<T>(work: (attempt: number) => Promise<T>, options: Omit<RetryOptions, 'retryOn'>): Promise<T> {
  return retry(work, { ...options, retryOn: (error) => error instanceof ConcurrentUpdateError });
}
