const CACHE_ENTRIES = 32

/**
 * Reports by key, kept `ttlMs`: reading a year of data costs seconds on InfluxDB, and a page's downloads ask
 * again for what it has just shown. A failed computation is forgotten at once.
 */
export function reportCache<T>(ttlMs: number, now: () => number) {
  const cache = new Map<string, { report: Promise<T>; expires: number }>()
  return function cached(key: string, compute: () => Promise<T>): Promise<T> {
    const time = now()
    for (const [k, entry] of cache) if (entry.expires <= time) cache.delete(k)
    const hit = cache.get(key)
    if (hit !== undefined) return hit.report
    const report = compute()
    if (ttlMs > 0) {
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string)
      cache.set(key, { report, expires: time + ttlMs })
      report.catch(() => cache.delete(key))
    }
    return report
  }
}
