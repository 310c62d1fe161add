import { countReadings, createDatabase } from '../lib/influx.ts'
import { startCpuWindow } from '../lib/machine.ts'
import type { Section } from '../lib/section.ts'
import { formatCount, formatMs, summarize } from '../lib/stats.ts'

const LINES_PER_BATCH = 5_000
/** POSTs in flight at once: enough to keep influxd's two cores busy, as ingest's one writer never does. */
const CONCURRENCY = 4
const SERIES = 1_000

/**
 * A batch of single-field lines shaped like quantrac's own (`reading,facility,factor,sensor value=… ms`):
 * 1,000 series, five points each at distinct times, so no point overwrites another.
 */
export function storeBatch(index: number, baseMs: number): string {
  let body = ''
  const time = baseMs + index * (LINES_PER_BATCH / SERIES)
  for (let i = 0; i < LINES_PER_BATCH; i++) {
    const sensor = i % SERIES
    body += `reading,facility=fac-${String(sensor % 200).padStart(3, '0')},factor=noise,sensor=s${sensor} value=${(60 + (i % 400) / 10).toFixed(1)} ${time + Math.floor(i / SERIES)}\n`
  }
  return body
}

export const store: Section = {
  id: 'store',
  title: '3. Store ceiling: 5,000-line batches straight to InfluxDB /write',
  async run(ctx) {
    const durationMs = ctx.quick ? 2_000 : 10_000
    const influxd = await ctx.influxd()
    const database = `bench_store_${Date.now()}`
    await createDatabase(influxd.url, database)
    // Built before the clock starts: the figure is influxd's, not the string building's.
    const prebuilt = ctx.quick ? 60 : 200
    const baseMs = Date.now() - 3_600_000
    ctx.progress(`store: building ${prebuilt} batches of ${formatCount(LINES_PER_BATCH)} lines`)
    const batches = Array.from({ length: prebuilt }, (_, i) => storeBatch(i, baseMs))
    const url = `${influxd.url}/write?db=${database}&precision=ms`
    ctx.progress(`store: POSTing with ${CONCURRENCY} requests in flight for ${durationMs / 1000} s`)
    const latencies: number[] = []
    let written = 0
    let failed = 0
    let nextBatch = 0
    const stopCpu = startCpuWindow({ influxd: influxd.pid })
    const started = performance.now()
    // Each batch is sent once: reusing one would overwrite its points and flatter the figure.
    async function poster(): Promise<void> {
      while (performance.now() - started < durationMs && nextBatch < batches.length) {
        const body = batches[nextBatch++] as string
        const sentAt = performance.now()
        const response = await fetch(url, { method: 'POST', body })
        await response.arrayBuffer()
        latencies.push(performance.now() - sentAt)
        if (response.status === 204) written += LINES_PER_BATCH
        else failed++
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, poster))
    const elapsed = performance.now() - started
    const cpu = stopCpu()
    const stored = await countReadings(influxd.url, database, baseMs - 1, baseMs + 3_600_000)
    const linesPerSecond = (written * 1000) / elapsed
    const request = summarize(latencies)
    ctx.progress(
      `store: ${formatCount(linesPerSecond)} lines/s, ${formatCount(stored)} of ${formatCount(written)} counted`,
    )
    const ranOutOfBatches = nextBatch >= batches.length && elapsed < durationMs
    return {
      summary: [
        `**${formatCount(linesPerSecond)} lines/s** (${formatCount(written)} lines in ${formatMs(elapsed, 0)}; ${formatCount(stored)} counted back, ${failed} failed requests).`,
        `influxd used ${(cpu.cores.influxd ?? Number.NaN).toFixed(2)} cores; the whole machine ${cpu.machineBusyCores.toFixed(2)} cores.`,
      ],
      tables: [
        {
          title: 'Request time per 5,000-line POST',
          columns: ['requests', 'p50', 'p90', 'p99', 'max'],
          rows: [
            [
              request.count,
              formatMs(request.p50),
              formatMs(request.p90),
              formatMs(request.p99),
              formatMs(request.max),
            ],
          ],
        },
      ],
      notes: [
        `Prebuilt bodies of ${formatCount(LINES_PER_BATCH)} single-field lines shaped as quantrac writes them, ${CONCURRENCY} POSTs in flight, precision ms, each body sent once.${ranOutOfBatches ? ' The run used up its prebuilt batches before the time was over: the figure is over a shorter window.' : ''} Ingest writes with one request in flight at a time, 1,000 readings per batch: this is the store’s ceiling, not ingest’s.`,
      ],
      data: {
        linesPerSecond,
        written,
        stored,
        failed,
        elapsedMs: elapsed,
        request,
        cores: cpu.cores,
        machineBusyCores: cpu.machineBusyCores,
      },
    }
  },
}
