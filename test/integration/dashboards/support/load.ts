import type { Alert, AlertKind, AlertLevel, AlertState } from '../../../../core/alerts.ts'
import type { ExposurePoint, Reading } from '../../../../core/contract.ts'
import type { FactorId } from '../../../../core/factors.ts'

/**
 * A simulated hour of quantrac's InfluxDB schema, as line protocol: readings, alert events and the exposure
 * engine's once-a-minute points, for a few facilities. Deterministic, so a failing query fails every time.
 */

export const FACILITIES = ['hanoi-textile', 'haiphong-steel', 'binhduong-wood'] as const

/** Sensor ids repeat across facilities, as they do in the field: the facility tag tells them apart. */
export const SENSORS: Record<string, readonly FactorId[]> = {
  'noise-01': ['noise'],
  'gas-01': ['gas.co', 'gas.nh3', 'gas.o2', 'gas.lel'],
  'dust-01': ['dust.respirable', 'dust.total'],
  'climate-01': ['temperature', 'humidity'],
}

/** Typical level and swing of each factor, in its canonical unit; noise and CO cross their limits. */
const PROFILE: Partial<Record<FactorId, { base: number; swing: number }>> = {
  noise: { base: 86, swing: 8 },
  'gas.co': { base: 20, swing: 18 },
  'gas.nh3': { base: 5, swing: 3 },
  'gas.o2': { base: 20.8, swing: 0.2 },
  'gas.lel': { base: 1, swing: 1 },
  'dust.respirable': { base: 0.8, swing: 0.5 },
  'dust.total': { base: 3, swing: 2 },
  temperature: { base: 31, swing: 3 },
  humidity: { base: 70, swing: 12 },
}

export interface Load {
  lines: string[]
  /** First and last timestamp written, epoch ms. */
  from: number
  to: number
}

/** Tag values escape commas, spaces and equals signs; none of ours have them, but the generator stays honest. */
function tag(value: string): string {
  return value.replace(/[, =]/g, '\\$&')
}

function stringField(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}

/** A smooth, repeatable wave: no Math.random, so the load is the same on every run. */
function wave(seed: number, t: number): number {
  return Math.sin(t / 600_000 + seed) * 0.7 + Math.sin(t / 97_000 + seed * 3) * 0.3
}

export function generateLoad(options: { now: number; minutes: number; readingEveryMs: number }): Load {
  const { now, minutes, readingEveryMs } = options
  const from = now - minutes * 60_000
  const lines: string[] = []
  FACILITIES.forEach((facility, f) => {
    for (const [sensor, factors] of Object.entries(SENSORS)) {
      factors.forEach((factor, k) => {
        const { base, swing } = PROFILE[factor] ?? { base: 1, swing: 0.5 }
        const tags = `facility=${tag(facility)},sensor=${tag(sensor)},factor=${tag(factor)}`
        const seed = f * 7 + k
        let sum = 0
        let count = 0
        const window: number[] = []
        for (let t = from; t <= now; t += readingEveryMs) {
          const value = Math.max(0, base + swing * wave(seed, t))
          lines.push(`reading,${tags} value=${value.toFixed(3)} ${t}`)
          sum += value
          count += 1
          window.push(value)
          if (window.length > (15 * 60_000) / readingEveryMs) window.shift()
          if ((t - from) % 60_000 === 0) {
            const stel = window.reduce((a, b) => a + b, 0) / window.length
            const twa = (sum / count) * (((t - from) / 60_000 + 1) / 480)
            const projected = sum / count
            const fields = [
              `stel=${stel.toFixed(3)}`,
              `twa=${twa.toFixed(3)}`,
              `twa_projected=${projected.toFixed(3)}`,
            ]
            if (factor === 'noise') {
              const dose = 100 * ((t - from) / 60_000 / 480) * 2 ** ((projected - 85) / 3)
              fields.push(
                `dose=${dose.toFixed(2)}`,
                `dose_projected=${(100 * 2 ** ((projected - 85) / 3)).toFixed(2)}`,
                `lex8h=${(projected + 10 * Math.log10(Math.max((t - from) / 60_000, 1) / 480)).toFixed(2)}`,
              )
            }
            lines.push(`exposure,${tags} ${fields.join(',')} ${t}`)
          }
        }
      })
    }
    lines.push(...alertEvents(facility, from, now))
  })
  return { lines, from, to: now }
}

interface AlertEvent {
  sensor: string
  factor: FactorId
  kind: AlertKind
  level: AlertLevel
  state: AlertState
  value: number
  limit: number
  message: string
  /** Minutes after the start of the hour. */
  at: number
}

/** Each facility's alert history: every kind and level, and alerts that open, escalate, get acknowledged and clear. */
function alertEvents(facility: string, from: number, to: number): string[] {
  const events: Array<AlertEvent & { id: string }> = []
  const add = (id: string, steps: AlertEvent[]) => {
    for (const step of steps) events.push({ ...step, id: `${facility}-${id}` })
  }
  const noise = { sensor: 'noise-01', factor: 'noise' as const }
  add('noise-twa', [
    {
      ...noise,
      kind: 'projected',
      level: 'warning',
      state: 'open',
      value: 84,
      limit: 85,
      message: 'Noise TWA projected above 85 dBA',
      at: 5,
    },
    {
      ...noise,
      kind: 'twa',
      level: 'alarm',
      state: 'open',
      value: 87,
      limit: 85,
      message: 'Noise TWA above 85 dBA',
      at: 20,
    },
    {
      ...noise,
      kind: 'twa',
      level: 'alarm',
      state: 'acknowledged',
      value: 87,
      limit: 85,
      message: 'Noise TWA above 85 dBA',
      at: 25,
    },
  ])
  add('noise-ceiling', [
    {
      ...noise,
      kind: 'ceiling',
      level: 'critical',
      state: 'open',
      value: 117,
      limit: 115,
      message: 'Noise above 115 dBA',
      at: 30,
    },
    {
      ...noise,
      kind: 'ceiling',
      level: 'critical',
      state: 'cleared',
      value: 117,
      limit: 115,
      message: 'Noise above 115 dBA',
      at: 32,
    },
  ])
  add('noise-dose', [
    {
      ...noise,
      kind: 'dose',
      level: 'alarm',
      state: 'open',
      value: 104,
      limit: 100,
      message: 'Noise dose above 100 %',
      at: 45,
    },
  ])
  const co = { sensor: 'gas-01', factor: 'gas.co' as const }
  add('co-stel', [
    {
      ...co,
      kind: 'stel',
      level: 'alarm',
      state: 'open',
      value: 37.1,
      limit: 34.9,
      message: 'CO STEL above 34.9 ppm',
      at: 15,
    },
    {
      ...co,
      kind: 'stel',
      level: 'alarm',
      state: 'cleared',
      value: 37.1,
      limit: 34.9,
      message: 'CO STEL above 34.9 ppm',
      at: 40,
    },
  ])
  add('dust-offline', [
    {
      sensor: 'dust-01',
      factor: 'dust.respirable',
      kind: 'sensor-offline',
      level: 'warning',
      state: 'open',
      value: 0,
      limit: 0,
      message: 'No reading for 5 minutes',
      at: 50,
    },
  ])
  add('climate-fault', [
    {
      sensor: 'climate-01',
      factor: 'humidity',
      kind: 'sensor-fault',
      level: 'warning',
      state: 'open',
      value: 130,
      limit: 100,
      message: 'Humidity out of range',
      at: 10,
    },
  ])
  return events.map((event) => {
    const time = Math.min(from + event.at * 60_000, to)
    const tags = [
      `facility=${tag(facility)}`,
      `sensor=${tag(event.sensor)}`,
      `factor=${tag(event.factor)}`,
      `kind=${tag(event.kind)}`,
      `level=${tag(event.level)}`,
      `state=${tag(event.state)}`,
    ].join(',')
    const fields = [
      `id=${stringField(event.id)}`,
      `value=${event.value.toFixed(3)}`,
      `limit=${event.limit.toFixed(3)}`,
      `message=${stringField(event.message)}`,
    ].join(',')
    return `alert,${tags} ${fields} ${time}`
  })
}

/** A facility written through store/influx's own line protocol instead of this generator. */
export const STORE_FACILITY = 'danang-port'

/**
 * One noise sensor's hour as the objects ingest hands the InfluxDB store: readings, exposure points and alert
 * events. Formatted by store/influx/line-protocol.ts, they show that the dashboards read what quantrac writes.
 */
export function storeObjects(options: { now: number; minutes: number }) {
  const { now, minutes } = options
  const from = now - minutes * 60_000
  const at = { facilityId: STORE_FACILITY, sensorId: 'noise-01', factor: 'noise' as const }
  const readings: Reading[] = []
  const exposure: ExposurePoint[] = []
  for (let time = from; time <= now; time += 30_000) {
    readings.push({ ...at, time, value: 84 + 6 * wave(1, time) })
    if ((time - from) % 60_000 === 0) {
      const share = (time - from + 60_000) / (480 * 60_000)
      exposure.push({
        ...at,
        time,
        shiftStart: from,
        coverage: 1,
        stel: 86,
        twa: 86 + 10 * Math.log10(share),
        twaProjected: 86,
        dose: 126 * share,
        doseProjected: 126,
        lex8h: 86 + 10 * Math.log10(share),
      })
    }
  }
  const alert = (state: AlertState, level: AlertLevel, kind: AlertKind, minute: number): Alert => ({
    ...at,
    id: `${STORE_FACILITY}-${kind}`,
    kind,
    level,
    state,
    value: kind === 'ceiling' ? 116 : 86,
    limit: kind === 'ceiling' ? 115 : 85,
    unit: 'dBA',
    source: 'QCVN 24:2016/BYT',
    message: `Noise ${kind} limit crossed`,
    openedAt: from + minute * 60_000,
    updatedAt: from + minute * 60_000,
  })
  const alerts = [
    alert('open', 'alarm', 'twa', 20),
    alert('acknowledged', 'alarm', 'twa', 22),
    alert('open', 'critical', 'ceiling', 30),
    alert('cleared', 'critical', 'ceiling', 31),
  ]
  return { readings, exposure, alerts }
}
