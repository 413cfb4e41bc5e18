/**
 * Retry on a concurrent change, the one helper for it: `work` reads what it needs, decides and
 * writes; when the write finds that something it read has changed ({@link ConcurrentUpdateError}),
 * it runs again on a fresh read, after a short random pause (full jitter, doubling), at most
 * `attempts` times in all. Any other error, and the last conflict, go to the caller.
 */
import { ConcurrentUpdateError } from '../ports';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The longest pause before the second attempt, in ms (doubling after, at most 16 times it). Default 10. */
  readonly baseDelayMs?: number;
}

export async function retryOnConflict<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const base = options.baseDelayMs ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= options.attempts) throw error;
      const pause = Math.floor(Math.random() * base * 2 ** Math.min(attempt - 1, 4));
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
