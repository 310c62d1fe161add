/**
 * Each key answers true once, then false: what ingest logs at warn once per (topic, reason), so a broken
 * sensor cannot flood the log while its repeats are still counted. Past `max` keys it forgets them all
 * and starts over, so a stream of new topics cannot grow it without bound.
 */
export function firstTimeOf(max: number): (key: string) => boolean {
  const seen = new Set<string>()
  return function isFirstTime(key: string): boolean {
    if (seen.has(key)) return false
    if (seen.size >= max) seen.clear()
    seen.add(key)
    return true
  }
}
