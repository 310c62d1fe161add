import type { AlertEvent } from '../core/alert-lifecycle.ts'
import type { Alert, AlertKind, AlertLevel } from '../core/alerts.ts'
import type { Campaign } from '../core/campaigns.ts'
import type { Reading } from '../core/contract.ts'
import { REPORT_UTC_OFFSET_MINUTES } from '../core/coverage/period.ts'
import { workingWeights } from '../core/coverage/working-hours.ts'
import { FACTORS, type FactorId } from '../core/factors.ts'
import { DEFAULT_PROFILE, limitsFor } from '../core/limits/index.ts'
import type { ShiftPattern } from '../core/shifts.ts'
import { ConflictError } from '../registry/errors.ts'
import type { AlertRepository, NewFacility, NewSensor, Registry, Zone } from '../registry/types.ts'
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
  /** Of those never monitored by sensors: a yearly campaign by a monitoring organisation instead. */
  campaignOnly: 0.5,
  /** Of the monitored: a yearly campaign as well. */
  campaignAlso: 0.2,
  /** Share of a campaign's samples over the limit. */
  samplesOverLimit: 0.08,
} as const

/** The monitoring organisation the backfill's campaigns are recorded by. */
export const BACKFILL_ORGANISATION = {
  id: 'bf-monitoring',
  name: 'Trung tâm Quan trắc môi trường lao động (backfill)',
  kind: 'contractor',
} as const

export interface BackfillSensor {
  spec: SensorSpec
  /** The zone it hangs in. */
  zoneId?: string
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
  /** Its zones, with the facility's production workers shared among them. */
  zones: Zone[]
  sensors: BackfillSensor[]
  /** One a year by the backfill's monitoring organisation, for some facilities. */
  campaigns: Campaign[]
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

const localDate = (time: number) =>
  new Date(time + REPORT_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10)

/** A campaign a year, each over three days ending on a random day of that year of the history. */
function yearlyCampaigns(
  random: Random,
  facility: NewFacility,
  zones: readonly Zone[],
  history: { from: number; to: number },
): Campaign[] {
  const campaigns: Campaign[] = []
  for (let end = history.to; end - YEAR_MS >= history.from - DAY_MS; end -= YEAR_MS) {
    const last = random.between(end - YEAR_MS + 3 * DAY_MS, end - DAY_MS)
    const endedOn = localDate(last)
    campaigns.push({
      id: `${facility.id}-c${endedOn.slice(0, 4)}`,
      facilityId: facility.id,
      organisationId: BACKFILL_ORGANISATION.id,
      declaration: { reference: 'BF-01/CB-SYT', publishedBy: `Sở Y tế ${facility.province}` },
      startedOn: localDate(last - 2 * DAY_MS),
      endedOn,
      measurements: zones.flatMap((zone) =>
        facility.hazards.map((factor) => {
          const samples = random.integer(2, 6)
          let over = 0
          for (let n = 0; n < samples; n++) if (random.chance(MIX.samplesOverLimit)) over++
          return { zoneId: zone.id, factor, samples, samplesOverLimit: over }
        }),
      ),
      recordedAt: last + DAY_MS,
      recordedBy: 'backfill',
    })
  }
  return campaigns
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
    const workers = random.integer(30, 2000)
    const facility: NewFacility = {
      id,
      name,
      province,
      sector,
      address: '',
      hazards: noHazards ? [] : allFactors,
      profile: DEFAULT_PROFILE,
      shifts,
      workers,
      // Registered before the history starts: every period of it counts the facility.
      registeredAt: start,
    }
    // Zones where the sensors hang, or the sector's first two for a facility without sensors; two thirds
    // of the workers work in them.
    const zoneNames = [
      ...new Set(sensors.length > 0 ? sensors.map((s) => s.spec.zone) : zones.slice(0, 2)),
    ] as string[]
    const facilityZones: Zone[] = zoneNames.map((zoneName, z) => ({
      id: `${id}-z${z + 1}`,
      facilityId: id,
      name: zoneName,
      workers: Math.floor((workers * 2) / 3 / zoneNames.length),
    }))
    const zoneIdOf = new Map(facilityZones.map((z) => [z.name, z.id]))
    for (const sensor of sensors) sensor.zoneId = zoneIdOf.get(sensor.spec.zone)
    const campaignDrawn = random.next()
    const withCampaigns =
      !noHazards &&
      (joinedAt === undefined ? campaignDrawn < MIX.campaignOnly : campaignDrawn < MIX.campaignAlso)
    return {
      facility,
      spec: { id, name, province, sector, profile: DEFAULT_PROFILE, sensors: sensors.map((s) => s.spec) },
      zones: facilityZones,
      sensors,
      campaigns: withCampaigns
        ? yearlyCampaigns(random, facility, facilityZones, { from: start, to: until })
        : [],
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
  campaigns: number
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
    zoneId: sensor.zoneId,
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
  // Its history starts commissioned: the checklist is for sensors fitted from now on.
  const created: NewSensor = { id: sensor.spec.id, facilityId, ...fields, commissionedAt: sensor.installedAt }
  // History only: the sensor never connects, so it gets no MQTT credentials.
  await registry.createSensor(created, 'backfill: no credentials')
  await registry.setSensorSecret(sensor.spec.id, undefined)
}

/**
 * Writes years of history straight to the registry and the store (not over MQTT): facilities across
 * provinces and sectors, their zones and sensors, hourly readings in working hours, TWA/STEL alarms, and
 * yearly monitoring campaigns for some facilities (most of them without sensors). Running it
 * again with the same options updates the registry in place; readings are written again.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillProgress> {
  const { registry, store, seed, until, batchSize = 20_000, onProgress } = options
  const plans = planBackfill(options)
  const window = { from: until - options.years * YEAR_MS, to: until, seed }
  const progress: BackfillProgress = {
    facilitiesDone: 0,
    facilities: plans.length,
    readings: 0,
    alerts: 0,
    campaigns: 0,
  }
  let batch: Reading[] = []
  async function flush() {
    if (batch.length === 0) return
    await store.writeReadings(batch)
    progress.readings += batch.length
    batch = []
    onProgress?.(progress)
  }
  if (plans.some((plan) => plan.campaigns.length > 0)) {
    try {
      await registry.createOrganisation(BACKFILL_ORGANISATION)
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err
    }
  }
  for (const plan of plans) {
    await registry.upsertFacility(plan.facility)
    const existing = new Map((await registry.listZones(plan.facility.id)).map((z) => [z.id, z]))
    for (const zone of plan.zones) {
      if (existing.has(zone.id)) await registry.setZoneWorkers(zone.facilityId, zone.id, zone.workers)
      else await registry.createZone(zone)
    }
    for (const campaign of plan.campaigns) await registry.deleteCampaign(campaign.id)
    await registry.createCampaigns(plan.campaigns)
    progress.campaigns += plan.campaigns.length
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
