export interface PoolOptions {
  /** Hand out no more items once one fails; the items already in flight finish. Off: every item runs. */
  stopOnError?: boolean;
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order of results; rejects with the first error. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>, options: PoolOptions = {}): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stopped) {
      const i = next++;
      try {
        results[i] = await work(items[i] as T, i);
      } catch (e) {
        stopped = options.stopOnError === true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
