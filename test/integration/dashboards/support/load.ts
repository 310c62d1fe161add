import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AlertEvent } from '../../../../core/alert-lifecycle.ts'
import type { ExposurePoint, Reading } from '../../../../core/contract.ts'
import { type AlertSignal, AlertTracker, offlineSignal } from '../../../../core/exposure/index.ts'
import type { FactorId } from '../../../../core/factors.ts'
import { openSqliteRegistry } from '../../../../registry/sqlite/registry.ts'

/**
 * A simulated hour of quantrac's InfluxDB schema, as line protocol: readings and the exposure engine's
 * once-a-minute points, for a few facilities. Deterministic, so a failing query fails every time. Alert
 * events are not made up here: `alertHistory` has quantrac's alert tracker and alert register make them.
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
  })
  return { lines, from, to: now }
}

/** A facility written through store/influx's own line protocol instead of this generator. */
export const STORE_FACILITY = 'danang-port'

/**
 * One noise sensor's hour as the objects ingest hands the InfluxDB store: readings and exposure points.
 * Formatted by store/influx/line-protocol.ts, they show that the dashboards read what quantrac writes.
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
  return { readings, exposure }
}

const ALERT_SOURCE = 'QCVN 24:2016/BYT, maximum level'

/** The tracker's inputs for one sensor's factor: a level against a limit, each minute. */
function ceiling(
  label: string,
  unit: string,
  value: number,
  limits: { alarm: number; critical?: number },
): AlertSignal {
  const levels: AlertSignal['levels'] = { alarm: { value, limit: limits.alarm, source: ALERT_SOURCE } }
  if (limits.critical !== undefined) levels.critical = { value, limit: limits.critical, source: 'IDLH' }
  return { kind: 'ceiling', unit, label, levels }
}

/**
 * Each facility's alert history as quantrac writes it: signals minute by minute through the alert tracker,
 * its transitions and people's acknowledgements and resolutions through the alert register (a temporary
 * SQLite file), and the events read back from the register's log, as ingest copies them to the store.
 * Noise escalates after an officer acknowledged it (so the officer is notified), clears, comes back and is
 * resolved as a false alarm; CO opens and clears; a dust sensor goes offline; a humidity probe faults.
 */
export async function alertHistory(options: { now: number; minutes: number }): Promise<AlertEvent[]> {
  const from = options.now - options.minutes * 60_000
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-dashboards-'))
  const register = openSqliteRegistry(join(dir, 'registry.sqlite'))
  const officer = { keyId: 'k-officer', name: 'Nguyễn Thị Lan', role: 'officer' as const }
  const contractor = { keyId: 'k-contractor', name: 'Trần Văn Minh', role: 'contractor' as const }
  try {
    for (const facility of [...FACILITIES, STORE_FACILITY]) {
      let next = 0
      const tracker = new AlertTracker({ newId: () => `${facility}-alert-${++next}` })
      const at = (minute: number) => from + minute * 60_000
      const observe = async (sensorId: string, factor: FactorId, signal: AlertSignal, minute: number) => {
        for (const transition of tracker.observe(
          { facilityId: facility, sensorId, factor },
          signal,
          at(minute),
        )) {
          await register.recordDetection(transition)
        }
      }
      const noiseAt = (minute: number) =>
        minute >= 20 && minute < 26 ? (minute >= 23 ? 141 : 118) : minute >= 40 && minute < 44 ? 117 : 86
      for (let minute = 0; minute <= options.minutes; minute++) {
        await observe(
          'noise-01',
          'noise',
          ceiling('Noise level', 'dBA', noiseAt(minute), { alarm: 115, critical: 140 }),
          minute,
        )
        await observe(
          'gas-01',
          'gas.co',
          ceiling('Carbon monoxide (CO)', 'ppm', minute >= 15 && minute < 40 ? 40 : 10, { alarm: 34.9 }),
          minute,
        )
        if (minute === 21 || minute === 42) {
          const [active] = tracker.active().filter((a) => a.sensorId === 'noise-01')
          if (minute === 21)
            await register.acknowledgeAlert(active!.id, {
              actor: officer,
              at: at(minute),
              note: 'ear muffs on',
            })
          else
            await register.resolveAlert(active!.id, {
              actor: contractor,
              at: at(minute),
              reason: 'false-alarm',
              note: 'door slammed by the meter',
            })
        }
      }
      await observe('dust-01', 'dust.respirable', offlineSignal(at(45), at(50), 300_000), 50)
      const fault = {
        kind: 'sensor-fault',
        unit: '%RH',
        label: 'Humidity',
        levels: { warning: { value: 1, limit: 0, source: 'plausible range', clearAt: 0 } },
      } satisfies AlertSignal
      await observe('climate-01', 'humidity', fault, 10)
    }
    return (await register.alertEventsAfter(0, 100_000)).map(({ event }) => event)
  } finally {
    register.close()
    await rm(dir, { recursive: true, force: true })
  }
}
