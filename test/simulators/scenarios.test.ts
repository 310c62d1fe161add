import { describe, expect, it } from 'vitest'
import { sensorPayloadSchema } from '../../core/contract.ts'
import { FACTORS, type FactorId, isFactorId } from '../../core/factors.ts'
import { limitsFor } from '../../core/limits/index.ts'
import { parseReadingsTopic } from '../../core/topics.ts'
import { converterTo } from '../../core/units.ts'
import { FAULT_KINDS, type FaultKind } from '../../simulators/faults.ts'
import { demoFleet, generateFleet } from '../../simulators/fleet.ts'
import { SECTOR_IDS } from '../../simulators/sectors.ts'
import { createSensorSimulator } from '../../simulators/sensor.ts'
import { readingsOf, simulate, validPayload } from './support.ts'

/** Tighter than the catalogue's sensor ranges: what these workplaces' air can plausibly be. */
const PLAUSIBLE: Partial<Record<FactorId, readonly [number, number]>> = {
  noise: [30, 130],
  'gas.o2': [18, 22],
  'gas.co2': [350, 2_000],
  temperature: [20, 45],
  humidity: [20, 100],
}

/** The lowest instantaneous limit of a factor under QCVN: its ceiling, or its STEL. */
function instantLimit(factor: FactorId): number | undefined {
  const limits = limitsFor('qcvn', factor)
  return limits?.ceiling?.value ?? limits?.stel?.value
}

describe('the normal scenario', () => {
  const messages = simulate({
    fleet: demoFleet(),
    scenario: 'normal',
    seed: 1,
    durationMs: 3_600_000,
    stepMs: 1_000,
  })

  it('sends a valid payload from every sensor on every tick, on its own topic', () => {
    expect(messages).toHaveLength(12 * 3_600)
    const problems: string[] = []
    for (const message of messages) {
      const address = parseReadingsTopic(message.topic)
      if (address?.facilityId !== message.facilityId || address.sensorId !== message.sensorId) {
        problems.push(`${message.sensorId}: topic ${message.topic}`)
      }
      const parsed = sensorPayloadSchema.safeParse(JSON.parse(message.payload))
      if (!parsed.success || message.fault !== undefined)
        problems.push(`${message.sensorId}: ${message.payload}`)
      else if (parsed.data.ts !== new Date(message.timeMs).toISOString())
        problems.push(`${message.sensorId}: ts`)
    }
    expect(problems).toEqual([])
  })

  it('sends values in canonical units within physical and plausible ranges', () => {
    const problems: string[] = []
    for (const message of messages) {
      for (const { factor, value, unit } of readingsOf(validPayload(message.payload))) {
        const { min, max, unit: canonical } = FACTORS[factor]
        const [low, high] = PLAUSIBLE[factor] ?? [min, max]
        if (unit !== canonical || value < Math.max(min, low) || value > Math.min(max, high)) {
          problems.push(`${message.sensorId} ${factor} ${value} ${unit}`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('keeps noise and gases under their instantaneous limits nearly all the time', () => {
    let hazards = 0
    let over = 0
    for (const message of messages) {
      for (const { factor, value } of readingsOf(validPayload(message.payload))) {
        const limit = instantLimit(factor)
        if (limit === undefined || !(factor === 'noise' || factor.startsWith('gas.')) || factor === 'gas.o2')
          continue
        hazards++
        if (value > limit) over++
      }
    }
    expect(hazards).toBeGreaterThan(0)
    expect(over / hazards).toBeLessThan(0.01)
  })
})

describe('the exceedance scenario', () => {
  function breachesWithinFirstMinute(facilities: ReturnType<typeof demoFleet>, seed: number) {
    const breached = new Set<string>()
    for (const message of simulate({
      fleet: facilities,
      scenario: 'exceedance',
      seed,
      durationMs: 60_000,
      stepMs: 1_000,
    })) {
      for (const { factor, value } of readingsOf(validPayload(message.payload))) {
        const coStel = limitsFor('qcvn', 'gas.co')?.stel?.value as number
        const noiseMax = limitsFor('qcvn', 'noise')?.ceiling?.value as number
        if ((factor === 'gas.co' && value > coStel) || (factor === 'noise' && value > noiseMax)) {
          breached.add(message.facilityId)
        }
      }
    }
    return breached
  }

  it('breaches the QCVN CO STEL or the 115 dBA noise maximum at every demo facility within a minute', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(breachesWithinFirstMinute(demoFleet(), seed)).toEqual(new Set(['fac-001', 'fac-002', 'fac-003']))
    }
  })

  it('drives a CO leak well above the STEL, not just over it', () => {
    const coStel = limitsFor('qcvn', 'gas.co')?.stel?.value as number
    const co = simulate({
      fleet: demoFleet(),
      scenario: 'exceedance',
      seed: 9,
      durationMs: 60_000,
      stepMs: 1_000,
    })
      .filter((m) => m.facilityId === 'fac-002')
      .flatMap((m) => readingsOf(validPayload(m.payload)))
      .filter((r) => r.factor === 'gas.co')
      .map((r) => r.value)
    expect(Math.max(...co)).toBeGreaterThan(2 * coStel)
  })

  it('breaches a QCVN limit within a minute at a facility of every sector, even with one sensor each', () => {
    const fleet = generateFleet({ facilities: SECTOR_IDS.length, sensorsPerFacility: 1, seed: 1 })
    const breached = new Set<string>()
    for (const message of simulate({
      fleet,
      scenario: 'exceedance',
      seed: 6,
      durationMs: 60_000,
      stepMs: 1_000,
    })) {
      for (const { factor, value } of readingsOf(validPayload(message.payload))) {
        const limit = instantLimit(factor)
        if (limit !== undefined && value > limit) breached.add(message.facilityId)
      }
    }
    expect(breached.size).toBe(SECTOR_IDS.length)
  })
})

describe('the faulty scenario', () => {
  const fleet = demoFleet()
  const messages = simulate({ fleet, scenario: 'faulty', seed: 1, durationMs: 600_000, stepMs: 1_000 })

  /** What ingest would make of a message, judged from its bytes alone. */
  function classify(raw: string): FaultKind | 'valid' | 'invalid' {
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      return 'malformed-json'
    }
    const parsed = sensorPayloadSchema.safeParse(json)
    if (!parsed.success) {
      const items = (json as { readings?: { factor: string }[] }).readings ?? [json as { factor: string }]
      return items.some((item) => !isFactorId(item.factor)) ? 'unknown-factor' : 'invalid'
    }
    const readings = readingsOf(parsed.data)
    if (readings.some((r) => converterTo(r.factor, r.unit) === undefined)) return 'wrong-unit'
    if (readings.some((r) => r.value < FACTORS[r.factor].min || r.value > FACTORS[r.factor].max))
      return 'out-of-range'
    return 'valid'
  }

  it('sends every kind of bad message, each what its label says', () => {
    const seen = new Set<FaultKind>()
    const mislabelled: string[] = []
    for (const message of messages) {
      if (classify(message.payload) !== (message.fault ?? 'valid'))
        mislabelled.push(`${message.fault}: ${message.payload}`)
      if (message.fault !== undefined) seen.add(message.fault)
    }
    expect(mislabelled).toEqual([])
    expect(seen).toEqual(new Set(FAULT_KINDS))
  })

  it('keeps most messages good: about one in ten is bad', () => {
    const bad = messages.filter((m) => m.fault !== undefined).length
    expect(bad / messages.length).toBeGreaterThan(0.05)
    expect(bad / messages.length).toBeLessThan(0.15)
  })

  it('lets sensors fall silent for ten seconds or more, then come back', () => {
    const gaps: number[] = []
    for (const sensorId of fleet.facilities.flatMap((f) => f.sensors.map((s) => s.id))) {
      const times = messages.filter((m) => m.sensorId === sensorId).map((m) => m.timeMs)
      for (let i = 1; i < times.length; i++) gaps.push((times[i] as number) - (times[i - 1] as number))
    }
    expect(gaps.filter((gap) => gap >= 10_000).length).toBeGreaterThan(0)
    expect(messages.length).toBeGreaterThan(0.7 * 12 * 600)
  })

  it('sends the normal scenario’s readings in its good messages', () => {
    const normal = new Map(
      simulate({ fleet, scenario: 'normal', seed: 1, durationMs: 600_000, stepMs: 1_000 }).map((m) => [
        `${m.sensorId}@${m.timeMs}`,
        m.payload,
      ]),
    )
    const good = messages.filter((m) => m.fault === undefined)
    const differing = good.filter((m) => m.payload !== normal.get(`${m.sensorId}@${m.timeMs}`))
    expect(good.length).toBeGreaterThan(0)
    expect(differing).toEqual([])
  })
})

describe('a simulated sensor', () => {
  const facility = demoFleet().facilities[1]!
  const sensor = facility.sensors[0]!
  const run = (seed: number, scenario: 'normal' | 'faulty') => {
    const simulator = createSensorSimulator({ facility, sensor, scenario, seed, startMs: 0 })
    return Array.from({ length: 300 }, (_, i) => simulator.next(1_700_000_000_000 + i * 1_000))
  }

  it('replays exactly for the same seed, and differs for another', () => {
    expect(run(7, 'faulty')).toEqual(run(7, 'faulty'))
    expect(run(7, 'normal')).not.toEqual(run(8, 'normal'))
  })

  it('sends a multi-gas detector’s CO, H₂S, O₂ and LEL as one batch', () => {
    const payload = validPayload(run(1, 'normal')[0]!.payload)
    expect(readingsOf(payload).map((r) => r.factor)).toEqual(['gas.co', 'gas.h2s', 'gas.o2', 'gas.lel'])
    expect('readings' in payload && typeof payload.ts).toBe('string')
  })
})
