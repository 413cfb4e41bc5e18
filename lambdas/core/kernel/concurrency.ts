/**
 * Bounded concurrency, the one helper for it: runs `work` over `items`, at most `limit` at a time,
 * and returns the results in input order. After the first failure no new item is started; the
 * items under way finish, then the first error is thrown.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** {@link mapLimit} for work without results. */
export async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  await mapLimit(items, limit, work);
}
