/**
 * Micro-benchmarks of ingest's per-message stages, in a process of their own started with --expose-gc
 * and a large young generation, so that allocation per operation can be read off the heap between two
 * collections. Prints one JSON line with the results.
 */
import type { Reading } from '../../core/contract.ts'
import { sensorPayloadSchema } from '../../core/contract.ts'
import { createExposureMonitor } from '../../core/exposure/monitor.ts'
import { DEFAULT_SHIFT_PATTERN } from '../../core/shifts.ts'
import { parseReadingsTopic } from '../../core/topics.ts'
import { decodeMessage } from '../../ingest/decode.ts'
import { generateFleet } from '../../simulators/fleet.ts'
import { createFleetSimulators } from '../../simulators/sensor.ts'
import { readingLine } from '../../store/influx/line-protocol.ts'
import type { MicroResult } from './micro.ts'

const config = JSON.parse(process.argv[2] ?? '{}') as {
  fleet: Parameters<typeof generateFleet>[0]
  messages: number
  timeMs: number
}
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

const fleet = generateFleet(config.fleet)
const now = Date.now()
const sensors = createFleetSimulators({ fleet, scenario: 'normal', seed: 1, startMs: now - 60_000 })
const corpus: { topic: string; payload: Buffer }[] = []
for (let tick = 0; corpus.length < config.messages; tick++) {
  for (const sensor of sensors) {
    const message = sensor.next(now - 60_000 + tick * 1000)
    if (message !== undefined && corpus.length < config.messages) {
      corpus.push({ topic: message.topic, payload: Buffer.from(message.payload) })
    }
  }
}
const texts = corpus.map((m) => m.payload.toString('utf8'))
const jsons = texts.map((t) => JSON.parse(t) as unknown)
const receivedAt = Date.now()
const readings: Reading[] = corpus.flatMap(
  (m) => decodeMessage(m.topic, m.payload, receivedAt, 16_384).readings,
)
const utf8 = new TextDecoder('utf-8', { fatal: true })
let sink: unknown

/** Runs `op` over the corpus for about `timeMs`; ns per op, and bytes allocated per op between two GCs. */
function measure(name: string, count: number, op: (i: number) => unknown): MicroResult {
  for (let i = 0; i < Math.min(count, 20_000); i++) sink = op(i % count) // warm-up, and JIT
  let ops = 0
  const started = process.hrtime.bigint()
  const deadline = performance.now() + config.timeMs
  while (performance.now() < deadline && ops < 50_000_000) {
    for (let i = 0; i < count; i++) sink = op(i)
    ops += count
  }
  const ns = Number(process.hrtime.bigint() - started) / ops
  // Allocation: one pass over at most 2,000 items with a young generation far larger than it needs.
  const sample = Math.min(count, 2_000)
  const kept: unknown[] = new Array(sample)
  gc()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < sample; i++) kept[i] = op(i)
  const after = process.memoryUsage().heapUsed
  sink = kept
  return { name, nsPerOp: ns, bytesPerOp: Math.max(0, (after - before) / sample), ops }
}

const results: MicroResult[] = []
function attempt(name: string, count: number, op: (i: number) => unknown): void {
  try {
    results.push(measure(name, count, op))
  } catch (err) {
    results.push({ name, nsPerOp: Number.NaN, bytesPerOp: Number.NaN, ops: 0, error: (err as Error).message })
  }
}
const n = corpus.length
attempt('parseReadingsTopic', n, (i) => parseReadingsTopic((corpus[i] as { topic: string }).topic))
attempt('UTF-8 decode (TextDecoder, fatal)', n, (i) =>
  utf8.decode((corpus[i] as { payload: Buffer }).payload),
)
attempt('JSON.parse', n, (i) => JSON.parse(texts[i] as string))
attempt('sensorPayloadSchema.safeParse (zod)', n, (i) => sensorPayloadSchema.safeParse(jsons[i]))
attempt('decodeMessage (all of the above + units, range, time)', n, (i) => {
  const m = corpus[i] as { topic: string; payload: Buffer }
  return decodeMessage(m.topic, m.payload, receivedAt, 16_384)
})
attempt('readingLine (per reading)', readings.length, (i) => readingLine(readings[i] as Reading))
attempt('JSON.stringify of a reading (live feed, per reading)', readings.length, (i) =>
  JSON.stringify(readings[i]),
)
// Called loosely: its optional parameters move as the exposure engine grows; these two are what it needs.
const monitor = (createExposureMonitor as (...args: unknown[]) => { observe(reading: Reading): unknown })(
  () => ({ profile: 'qcvn', shifts: DEFAULT_SHIFT_PATTERN }),
  () => undefined,
)
let shift = 0
attempt('exposure monitor observe (per reading)', readings.length, (i) => {
  // Later copies of the corpus move on in time, as a live stream would.
  if (i === 0) shift += 60_000
  const reading = readings[i] as Reading
  return monitor.observe({ ...reading, time: reading.time + shift })
})

const perMessage = readings.length / n
process.stdout.write(
  `${JSON.stringify({ results, messages: n, readingsPerMessage: perMessage, bytesPerMessage: corpus.reduce((s, m) => s + m.payload.length, 0) / n })}\n`,
)
void sink
