/** The few InfluxDB 1.x HTTP calls the bench makes itself (v1 API: /query, /write). */
export async function influxQuery(url: string, database: string, influxql: string): Promise<unknown> {
  const params = new URLSearchParams({ db: database, q: influxql, epoch: 'ms' })
  const response = await fetch(`${url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params,
  })
  if (!response.ok) throw new Error(`InfluxDB query failed (${response.status}): ${await response.text()}`)
  return response.json()
}

export async function createDatabase(url: string, database: string): Promise<void> {
  await influxQuery(url, database, `CREATE DATABASE "${database}"`)
}

/** `SELECT count(value) FROM reading` over [fromMs, toMs] of the load generators' facilities (`fac-…`). */
export async function countReadings(
  url: string,
  database: string,
  fromMs: number,
  toMs: number,
): Promise<number> {
  const body = (await influxQuery(
    url,
    database,
    `SELECT count("value") FROM "reading" WHERE time >= ${fromMs}ms AND time <= ${toMs}ms AND "facility" =~ /^fac-/`,
  )) as { results?: { series?: { values: [number, number][] }[]; error?: string }[] }
  const result = body.results?.[0]
  if (result?.error) throw new Error(`InfluxDB count failed: ${result.error}`)
  return result?.series?.[0]?.values[0]?.[1] ?? 0
}

/**
 * Polls the count until it stops growing (two equal answers `settleMs` apart) or `timeoutMs` passes:
 * InfluxDB answers writes before they are queryable only in edge cases, but the writer may still be
 * flushing its last batches when the publishers stop.
 */
export async function settledCount(
  count: () => Promise<number>,
  options: { settleMs: number; timeoutMs: number; expected?: number },
): Promise<{ count: number; settledAfterMs: number }> {
  const started = Date.now()
  let previous = -1
  for (;;) {
    const current = await count()
    if (current === options.expected || current === previous || Date.now() - started > options.timeoutMs) {
      return { count: current, settledAfterMs: Date.now() - started }
    }
    previous = current
    await new Promise((resolve) => setTimeout(resolve, options.settleMs))
  }
}

/**
 * Resolves with the time the store had `expected` readings, or, when some never come, the last time the
 * count grew (no growth for `stallMs`): what ingest took from its broker is in the store by then.
 */
export async function storeCaughtUp(
  count: () => Promise<number>,
  options: { expected: number; stallMs: number; timeoutMs: number; pollMs?: number },
): Promise<number> {
  const deadline = Date.now() + options.timeoutMs
  let previous = -1
  let grewAt = Date.now()
  for (;;) {
    const current = await count()
    const now = Date.now()
    if (current >= options.expected) return now
    if (current !== previous) {
      previous = current
      grewAt = now
    } else if (now - grewAt > options.stallMs || now > deadline) return grewAt
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200))
  }
}
