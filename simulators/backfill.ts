import type { AlertEvent } from '../core/alert-lifecycle.ts'
import type { Alert, AlertKind, AlertLevel } from '../core/alerts.ts'
import type { Reading } from '../core/contract.ts'
import { workingWeights } from '../core/coverage/working-hours.ts'
import { FACTORS, type FactorId } from '../core/factors.ts'
import { DEFAULT_PROFILE, limitsFor } from '../core/limits/index.ts'
import type { ShiftPattern } from '../core/shifts.ts'
import type { AlertRepository, NewFacility, NewSensor, Registry } from '../registry/types.ts'
import type { TimeSeriesStore } from '../store/types.ts'
import { DEVICE_MODELS, type DeviceModelId } from './devices.ts'
import type { FacilitySpec, SensorSpec } from './fleet.ts'
import { createRandom, deriveSeed, type Random } from './random.ts'
import { scenarioPlan } from './scenarios.ts'
import { SECTOR_IDS, SECTORS, type SectorId } from './sectors.ts'
import { createSensorSignals } from './signals.ts'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const YEAR_MS = 365 * DAY_MS

export const MAX_BACKFILL_YEARS = 10
export const MAX_BACKFILL_FACILITIES = 10_000
const DEVICES_PER_FACILITY = 2

/** Shift starts by sector, in Vietnam time: plants that never stop run three shifts. */
const SECTOR_SHIFTS: Record<SectorId, readonly string[]> = {
  garment: ['07:30'],
  'coal-mining': ['06:00', '14:00', '22:00'],
  construction: ['07:00'],
  cement: ['06:00', '14:00', '22:00'],
  'seafood-processing': ['06:00', '14:00'],
  steel: ['06:00', '14:00', '22:00'],
}

/**
 * How the history is drawn. Shares are of all facilities; they make a report that grows year on year and
 * shows each reason a facility falls short.
 */
const MIX = {
  /** Registered without hazardous factors: outside the base. */
  noHazards: 0.06,
  /** Monitored since before the history starts. */
  fromStart: 0.4,
  /** Never monitored (no sensors). */
  never: 0.15,
  /** Of the monitored: one hazard left without a sensor. */
  missingFactor: 0.08,
  /** Of the monitored: one sensor with outages of weeks to months. */
  gaps: 0.25,
  /** Of the monitored: one sensor's calibration left to lapse. */
  lapsedCalibration: 0.07,
  /** TWA or STEL alarms per monitored facility and year, on average. */
  exceedancesPerYear: 1.5,
} as const

export interface BackfillSensor {
  spec: SensorSpec
  /** When it started reporting. */
  installedAt: number
  calibratedAt: number
  calibrationDue: number
  /** Outages, [from, to) epoch ms. */
  gaps: [number, number][]
}

export interface BackfillFacility {
  facility: NewFacility
  spec: FacilitySpec
  sensors: BackfillSensor[]
  /** When monitoring started; undefined: never. */
  joinedAt?: number
  /** The hazard left without a sensor, if any. */
  missingFactor?: FactorId
}

export interface BackfillPlanOptions {
  years: number
  facilities: number
  seed: number
  /** The end of the history, epoch ms. */
  until: number
  /** Facility ids are `{prefix}-0001`…, apart from the demo's `fac-…`. */
  prefix?: string
}

function assertCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`)
  }
}

function calibration(random: Random, installedAt: number, until: number, lapsed: boolean) {
  if (lapsed) {
    // Calibrated once, then forgotten: due 1–8 months ago.
    const calibrationDue = until - random.integer(30, 240) * DAY_MS
    return { calibratedAt: Math.max(installedAt, calibrationDue - YEAR_MS), calibrationDue }
  }
  // Recalibrated every year; the last time within the past 11 months.
  const calibratedAt = Math.max(installedAt, until - random.integer(0, 330) * DAY_MS)
  return { calibratedAt, calibrationDue: calibratedAt + YEAR_MS }
}

/**
 * The facilities, sensors and their stories (when each joined monitoring, its outages, its calibrations),
 * drawn from the seed alone: the same options give the same plan.
 *
 * @example
 * planBackfill({ years: 3, facilities: 200, seed: 7, until: Date.now() })[0]?.facility.id // 'bf-0001'
 */
export function planBackfill(options: BackfillPlanOptions): BackfillFacility[] {
  const { years, facilities, seed, until, prefix = 'bf' } = options
  assertCount('years', years, MAX_BACKFILL_YEARS)
  assertCount('facilities', facilities, MAX_BACKFILL_FACILITIES)
  const start = until - years * YEAR_MS
  const digits = Math.max(4, String(facilities).length)

  return Array.from({ length: facilities }, (_, i): BackfillFacility => {
    const id = `${prefix}-${String(i + 1).padStart(digits, '0')}`
    const random = createRandom(deriveSeed(seed, id))
    const sector = SECTOR_IDS[i % SECTOR_IDS.length] as SectorId
    const { namePrefix, provinces, zones, devices } = SECTORS[sector]
    const province = random.pick(provinces)
    // The sector's first two kinds of device carry its main hazards (the first always has a QCVN limit);
    // history of the rest would multiply the volume without changing what the report shows.
    const models = ([...new Set(devices)] as DeviceModelId[]).slice(0, DEVICES_PER_FACILITY)
    const shifts: ShiftPattern = { starts: SECTOR_SHIFTS[sector], utcOffsetMinutes: 420 }
    const allFactors = [...new Set(models.flatMap((m) => DEVICE_MODELS[m].factors as readonly FactorId[]))]

    const story = random.next()
    const noHazards = story < MIX.noHazards
    const never = !noHazards && story < MIX.noHazards + MIX.never
    const fromStart = !noHazards && !never && story < MIX.noHazards + MIX.never + MIX.fromStart
    const joinedAt = noHazards || never ? undefined : fromStart ? start : random.between(start, until)
    const missing = joinedAt !== undefined && random.chance(MIX.missingFactor)
    const gapped = joinedAt !== undefined && random.chance(MIX.gaps)
    const lapsed = joinedAt !== undefined && random.chance(MIX.lapsedCalibration)

    const installed = missing ? models.slice(1) : models
    const missingFactor = missing ? (DEVICE_MODELS[models[0]!].factors[0] as FactorId) : undefined
    const gapSensor = random.integer(0, installed.length - 1)
    const lapsedSensor = random.integer(0, installed.length - 1)
    const sensors: BackfillSensor[] =
      joinedAt === undefined
        ? []
        : installed.map((model, s) => {
            const spec: SensorSpec = {
              id: `${id}-s${String(s + 1).padStart(2, '0')}`,
              model,
              zone: zones[s % zones.length] as string,
              factors: [...DEVICE_MODELS[model].factors],
            }
            const gaps: [number, number][] = []
            if (gapped && s === gapSensor) {
              for (let g = random.integer(1, 3); g > 0; g--) {
                const from = random.between(joinedAt, until)
                gaps.push([from, from + random.integer(20, 120) * DAY_MS])
              }
            }
            return {
              spec,
              installedAt: joinedAt,
              gaps,
              ...calibration(random, joinedAt, until, lapsed && s === lapsedSensor),
            }
          })
    const name = `${namePrefix} ${province} ${i + 1}`
    return {
      facility: {
        id,
        name,
        province,
        sector,
        address: '',
        hazards: noHazards ? [] : allFactors,
        profile: DEFAULT_PROFILE,
        shifts,
        workers: random.integer(30, 2000),
      },
      spec: { id, name, province, sector, profile: DEFAULT_PROFILE, sensors: sensors.map((s) => s.spec) },
      sensors,
      joinedAt,
      missingFactor,
    }
  })
}

/**
 * The hourly readings of one sensor over [from, to): one reading in each working hour of the facility's
 * shifts while the sensor is installed and not in an outage, values from the simulators' signal models.
 */
export function* backfillReadings(
  plan: BackfillFacility,
  sensor: BackfillSensor,
  window: { from: number; to: number; seed: number },
): Generator<Reading> {
  const weights = workingWeights(plan.facility.shifts, 8)
  const from = Math.max(window.from, sensor.installedAt)
  const name = `${plan.facility.id}/${sensor.spec.id}`
  const samplers = createSensorSignals({
    facility: plan.spec,
    sensor: sensor.spec,
    plan: scenarioPlan('normal'),
    random: createRandom(deriveSeed(window.seed, name)),
    eventRandom: createRandom(deriveSeed(window.seed, `${name}#events`)),
    startMs: from,
  })
  const minute = createRandom(deriveSeed(window.seed, `${name}#minute`))
  const factors = sensor.spec.factors
  for (let hour = Math.ceil(from / HOUR_MS) * HOUR_MS; hour < window.to; hour += HOUR_MS) {
    if (!(weights[(hour / HOUR_MS) % 24]! > 0)) continue
    const time = hour + minute.integer(0, 59) * 60_000
    if (time >= window.to || sensor.gaps.some(([a, b]) => time >= a && time < b)) continue
    for (let f = 0; f < factors.length; f++) {
      const factor = factors[f] as FactorId
      const { min, max } = FACTORS[factor]
      const value = Math.min(max, Math.max(min, (samplers[f] as (t: number) => number)(time)))
      yield {
        facilityId: plan.facility.id,
        sensorId: sensor.spec.id,
        factor,
        time,
        value: Math.round(value * 100) / 100,
      }
    }
  }
}

/** TWA and STEL alarms over the facility's monitored time, on factors the limit profile sets them for. */
export function backfillAlerts(
  plan: BackfillFacility,
  window: { from: number; to: number; seed: number },
): Alert[] {
  if (plan.joinedAt === undefined) return []
  const random = createRandom(deriveSeed(window.seed, `${plan.facility.id}#alerts`))
  const candidates = plan.sensors.flatMap((sensor) =>
    sensor.spec.factors.flatMap((factor) => {
      const limits = limitsFor(plan.facility.profile, factor)
      return (['twa', 'stel'] as const).flatMap((kind) => {
        const threshold = limits?.[kind]
        return threshold === undefined ? [] : [{ sensor, factor, kind, limit: threshold.value }]
      })
    }),
  )
  if (candidates.length === 0) return []
  const from = Math.max(window.from, plan.joinedAt)
  const expected = ((window.to - from) / YEAR_MS) * MIX.exceedancesPerYear
  const count = Math.floor(expected) + (random.chance(expected - Math.floor(expected)) ? 1 : 0)
  return Array.from({ length: count }, (_, n): Alert => {
    const { sensor, factor, kind, limit } = random.pick(candidates)
    const openedAt = Math.floor(random.between(from, window.to) / 60_000) * 60_000
    const level: AlertLevel = random.chance(0.15) ? 'critical' : 'alarm'
    // Decibels are logarithmic: a few dB over is already a doubling or more of the dose.
    const worst = factor === 'noise' ? limit + random.between(1, 10) : limit * random.between(1.05, 1.8)
    const value = Math.round(worst * 100) / 100
    const clearedAt = openedAt + random.integer(15, 240) * 60_000
    return {
      id: `${sensor.spec.id}-${factor}-${kind}-${openedAt}-${n}`,
      facilityId: plan.facility.id,
      sensorId: sensor.spec.id,
      factor,
      kind: kind satisfies AlertKind,
      level,
      state: 'cleared',
      value,
      limit,
      unit: FACTORS[factor].unit,
      source: 'backfill',
      message: `${kind === 'twa' ? '8-h TWA' : '15-min STEL'} of ${factor} ${value} ${FACTORS[factor].unit} above ${limit}`,
      openedAt,
      updatedAt: clearedAt,
      clearedAt,
    }
  })
}

export interface BackfillProgress {
  facilitiesDone: number
  facilities: number
  readings: number
  alerts: number
}

export interface BackfillOptions extends BackfillPlanOptions {
  registry: Registry & AlertRepository
  store: TimeSeriesStore
  /** Readings per store write. */
  batchSize?: number
  onProgress?: (progress: BackfillProgress) => void
}

async function registerSensor(registry: Registry, facilityId: string, sensor: BackfillSensor): Promise<void> {
  const fields = {
    model: sensor.spec.model,
    serial: `BF-${sensor.spec.id}`,
    factors: sensor.spec.factors,
    calibratedAt: sensor.calibratedAt,
    calibrationDue: sensor.calibrationDue,
    reportingIntervalS: 3600,
  }
  if ((await registry.getSensor(sensor.spec.id)) !== undefined) {
    await registry.updateSensor(sensor.spec.id, fields)
    return
  }
  const created: NewSensor = { id: sensor.spec.id, facilityId, ...fields }
  // History only: the sensor never connects, so it gets no MQTT credentials.
  await registry.createSensor(created, 'backfill: no credentials')
  await registry.setSensorSecret(sensor.spec.id, undefined)
}

/**
 * Writes years of history straight to the registry and the store (not over MQTT): facilities across
 * provinces and sectors, their sensors, hourly readings in working hours, and TWA/STEL alarms. Running it
 * again with the same options updates the registry in place; readings are written again.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillProgress> {
  const { registry, store, seed, until, batchSize = 20_000, onProgress } = options
  const plans = planBackfill(options)
  const window = { from: until - options.years * YEAR_MS, to: until, seed }
  const progress: BackfillProgress = { facilitiesDone: 0, facilities: plans.length, readings: 0, alerts: 0 }
  let batch: Reading[] = []
  async function flush() {
    if (batch.length === 0) return
    await store.writeReadings(batch)
    progress.readings += batch.length
    batch = []
    onProgress?.(progress)
  }
  for (const plan of plans) {
    await registry.upsertFacility(plan.facility)
    for (const sensor of plan.sensors) {
      await registerSensor(registry, plan.facility.id, sensor)
      for (const reading of backfillReadings(plan, sensor, window)) {
        batch.push(reading)
        if (batch.length >= batchSize) await flush()
      }
    }
    const alerts = backfillAlerts(plan, window)
    // Through the alert register as ingest reports them: an opening, then the clear.
    const events: AlertEvent[] = []
    for (const alert of alerts) {
      const opened: Alert = { ...alert, state: 'open', updatedAt: alert.openedAt }
      delete opened.clearedAt
      events.push(...(await registry.recordDetection({ type: 'opened', alert: opened })))
      events.push(...(await registry.recordDetection({ type: 'cleared', alert })))
    }
    if (events.length > 0) await store.writeAlertEvents(events)
    progress.alerts += alerts.length
    progress.facilitiesDone++
    onProgress?.(progress)
  }
  await flush()
  return progress
}
